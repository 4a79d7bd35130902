/**
 * A mail sink shaped like Resend's API: the app's MAIL_API_URL points at `<dev model>/v1/mail`, so
 * `POST /v1/mail/emails` stores the mail here and `GET /__dev/mail?to=` reads what an address got
 * (newest last), which is how dev and tests open a mailed reset link without a real provider.
 */
export interface StoredMail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  received_at: string;
}

const MAX_MAILS = 500;

export class MailSink {
  private mails: StoredMail[] = [];

  /** Validates like a provider would (a 422 message, or the stored mail). */
  accept(body: unknown): StoredMail | string {
    const b = (body ?? {}) as Record<string, unknown>;
    const to = typeof b.to === 'string' ? [b.to] : b.to;
    if (typeof b.from !== 'string' || !b.from) return 'from is required.';
    if (!Array.isArray(to) || !to.length || !to.every((t) => typeof t === 'string')) return 'to is required.';
    if (typeof b.subject !== 'string' || !b.subject) return 'subject is required.';
    const mail: StoredMail = {
      id: crypto.randomUUID(),
      from: b.from,
      to: to.map((t) => t.toLowerCase()),
      subject: b.subject,
      text: typeof b.text === 'string' ? b.text : '',
      html: typeof b.html === 'string' ? b.html : '',
      received_at: new Date().toISOString(),
    };
    this.mails.push(mail);
    if (this.mails.length > MAX_MAILS) this.mails.shift();
    return mail;
  }

  to(address: string | null): StoredMail[] {
    return address ? this.mails.filter((m) => m.to.includes(address.toLowerCase())) : [...this.mails];
  }

  clear() {
    this.mails = [];
  }
}
