import type { Env } from '../env';

/**
 * Outgoing mail through an HTTP JSON provider shaped like Resend's `POST {MAIL_API_URL}/emails`
 * with `{from, to, subject, text, html}` and a Bearer key. Configured by three variables (secrets
 * in production: `wrangler secret put MAIL_API_KEY`); with any of them missing the app has no
 * mail, and flows that would mail a link fall back to an owner/admin showing it instead.
 *   MAIL_API_URL  e.g. https://api.resend.com (dev: the dev model's sink, http://127.0.0.1:8799/v1/mail)
 *   MAIL_API_KEY  the provider's API key
 *   MAIL_FROM     e.g. "IGNY8 <no-reply@igny8.com>"
 */
export type MailEnv = Env & { MAIL_API_URL?: string; MAIL_API_KEY?: string; MAIL_FROM?: string };

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export const mailConfigured = (env: Env) => {
  const m = env as MailEnv;
  return Boolean(m.MAIL_API_URL && m.MAIL_API_KEY && m.MAIL_FROM);
};

/** Sends one mail; throws on a refused send (callers that must not reveal anything catch and log). */
export async function sendMail(env: Env, mail: Mail): Promise<void> {
  const m = env as MailEnv;
  if (!mailConfigured(env)) throw new Error('Mail is not configured (MAIL_API_URL, MAIL_API_KEY, MAIL_FROM).');
  const res = await fetch(`${m.MAIL_API_URL!.replace(/\/+$/, '')}/emails`, {
    method: 'POST',
    headers: { authorization: `Bearer ${m.MAIL_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ from: m.MAIL_FROM, to: [mail.to], subject: mail.subject, text: mail.text, html: mail.html }),
    // A provider that hangs must not hold the request's waitUntil forever.
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`Mail provider answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
}

/** Escapes text for the HTML part of a mail. */
export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
