import { env } from 'cloudflare:workers';
import type { Env } from '../../worker/env';
import { devModelUrl } from './jobs';

/** The test env with mail pointed at the dev model's sink (the default test env has no mail). */
export function envWithMail(overrides: Partial<Record<'MAIL_API_URL' | 'MAIL_API_KEY' | 'MAIL_FROM', string>> = {}) {
  return Object.assign({}, env, {
    MAIL_API_URL: `${devModelUrl()}/v1/mail`,
    MAIL_API_KEY: 'test-mail-key',
    MAIL_FROM: 'IGNY8 <no-reply@example.test>',
    ...overrides,
  }) as unknown as Env;
}

/** The mails the dev model's sink received for an address, oldest first. */
export async function mailsTo(email: string): Promise<{ subject: string; text: string }[]> {
  const res = await fetch(`${devModelUrl()}/__dev/mail?to=${encodeURIComponent(email)}`);
  return ((await res.json()) as { data: { subject: string; text: string }[] }).data;
}
