import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../worker/env';
import { createWorker } from '../../worker/worker';
import { ORIGIN, PASSWORD, addMember, call, login, signup, uniqueEmail, type Session } from '../helpers/api';
import { envWithMail, mailsTo } from '../helpers/mail';

const NEW_PASSWORD = 'a-brand-new-secret-42';
const RESET = '/api/v1/auth/password-reset';
/** Each forgot-password caller comes from its own network, so the per-client throttle is tested on purpose only. */
let net = 0;
const client = () => ({ 'cf-connecting-ip': `2001:db8:7e5:${(++net).toString(16)}::1` });

/** The same worker with mail pointed at the dev model's sink (the default test env has no mail). */
function withMail() {
  const worker = createWorker(() => new Response('no UI', { status: 404 }));
  const patched = envWithMail();
  return async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const ctx = createExecutionContext();
    const res = await worker.fetch!(
      new Request(`${ORIGIN}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }) as never,
      patched,
      ctx,
    );
    await waitOnExecutionContext(ctx); // the mail is sent after the answer
    return { status: res.status, body: (await res.json()) as { data: unknown; message: string } };
  };
}

const tokenIn = (text: string) => /\/reset-password\/([A-Za-z0-9_-]+)/.exec(text)?.[1];

describe('forgot password with mail configured', () => {
  const post = withMail();
  let owner: Session;
  beforeAll(async () => {
    owner = await signup('reset-mail');
  });

  it('answers the same 202 for a known and an unknown email, and mails only the account', async () => {
    const known = await post(`${RESET}/`, { email: owner.email }, client());
    const unknownEmail = uniqueEmail('nobody');
    const unknown = await post(`${RESET}/`, { email: unknownEmail }, client());
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body.data).toEqual(known.body.data);
    expect(unknown.body.message).toBe(known.body.message);
    expect(await mailsTo(unknownEmail)).toEqual([]);
    const mails = await mailsTo(owner.email);
    expect(mails).toHaveLength(1);
    expect(tokenIn(mails[0]!.text)).toBeTruthy();
  });

  it('sets the new password once: old tokens and sessions die, the link cannot be reused', async () => {
    const before = await login(owner.email);
    await post(`${RESET}/`, { email: owner.email }, client());
    const token = tokenIn((await mailsTo(owner.email)).at(-1)!.text)!;

    const weak = await call('POST', `${RESET}/confirm/`, { body: { token, password: 'short' } });
    expect(weak.status).toBe(400);
    expect(weak.body.errors.password).toBeTruthy();

    const done = await call('POST', `${RESET}/confirm/`, { body: { token, password: NEW_PASSWORD } });
    expect(done.status).toBe(200);
    expect((await call('GET', '/api/v1/auth/me/', { token: before.token })).status).toBe(401);
    const refresh = await call('POST', '/api/v1/auth/token/refresh/', { body: { refresh: before.refresh } });
    expect(refresh.status).toBe(401);
    expect(
      (await call('POST', '/api/v1/auth/login/', { body: { email: owner.email, password: PASSWORD } })).status,
    ).toBe(401);
    await login(owner.email, NEW_PASSWORD);

    const again = await call('POST', `${RESET}/confirm/`, { body: { token, password: 'yet-another-pass-7' } });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('invalid_token');
  });

  it('voids an older link when a newer one is mailed', async () => {
    const member = await signup('reset-twice');
    await post(`${RESET}/`, { email: member.email }, client());
    await post(`${RESET}/`, { email: member.email }, client());
    const [first, second] = (await mailsTo(member.email)).map((m) => tokenIn(m.text)!);
    const old = await call('POST', `${RESET}/confirm/`, { body: { token: first, password: NEW_PASSWORD } });
    expect(old.status).toBe(400);
    const fresh = await call('POST', `${RESET}/confirm/`, { body: { token: second, password: NEW_PASSWORD } });
    expect(fresh.status).toBe(200);
  });

  it('refuses an expired link', async () => {
    const member = await signup('reset-expired');
    await post(`${RESET}/`, { email: member.email }, client());
    const token = tokenIn((await mailsTo(member.email))[0]!.text)!;
    await env.DB_CONTROL.prepare('UPDATE password_resets SET expires_at = ? WHERE user_id = ?')
      .bind(Date.now() - 1000, member.userId)
      .run();
    const res = await call('POST', `${RESET}/confirm/`, { body: { token, password: NEW_PASSWORD } });
    expect(res.status).toBe(400);
    await login(member.email); // the old password still works
  });

  it('mails one address at most 3 times an hour, still answering 202', async () => {
    const member = await signup('reset-flood');
    for (let i = 0; i < 5; i++) expect((await post(`${RESET}/`, { email: member.email }, client())).status).toBe(202);
    expect(await mailsTo(member.email)).toHaveLength(3);
  });

  it('refuses a network past 10 requests an hour with 429', async () => {
    const from = client();
    for (let i = 0; i < 10; i++) expect((await post(`${RESET}/`, { email: uniqueEmail('x') }, from)).status).toBe(202);
    expect((await post(`${RESET}/`, { email: uniqueEmail('x') }, from)).status).toBe(429);
  });
});

describe('reset links without mail: shown to an owner/admin', () => {
  let owner: Session;
  let admin: Session;
  let editor: Session;
  beforeAll(async () => {
    owner = await signup('reset-team');
    admin = await addMember(owner, 'admin');
    editor = await addMember(owner, 'editor');
  });

  it('tells the user to ask an owner or admin, whatever the email', async () => {
    const res = await call('POST', `${RESET}/`, { body: { email: editor.email }, headers: client() });
    expect(res.status).toBe(202);
    expect(res.body.data).toEqual({ mail: false });
    expect(res.body.message).toMatch(/owner or admin/);
    const count = await env.DB_CONTROL.prepare('SELECT count(*) AS n FROM password_resets WHERE user_id = ?')
      .bind(editor.userId)
      .first<{ n: number }>();
    expect(count?.n).toBe(0);
  });

  it('lets an admin make a one-time link for an editor, which sets the password', async () => {
    const made = await call('POST', `${RESET}/link/`, { token: admin.token, body: { user_id: editor.userId } });
    expect(made.status).toBe(201);
    const token = tokenIn(made.body.data.url)!;
    const done = await call('POST', `${RESET}/confirm/`, { body: { token, password: NEW_PASSWORD } });
    expect(done.status).toBe(200);
    expect((await call('GET', '/api/v1/auth/me/', { token: editor.token })).status).toBe(401);
    await login(editor.email, NEW_PASSWORD);
  });

  it('never lets an admin reset the owner, an editor make links, or anyone reach another account', async () => {
    const ownerLink = await call('POST', `${RESET}/link/`, { token: admin.token, body: { user_id: owner.userId } });
    expect(ownerLink.status).toBe(403);
    const editorNow = await login(editor.email, NEW_PASSWORD); // reset by the test above
    const byEditor = await call('POST', `${RESET}/link/`, { token: editorNow.token, body: { user_id: admin.userId } });
    expect(byEditor.status).toBe(403);
    const other = await signup('reset-other');
    const foreign = await call('POST', `${RESET}/link/`, { token: owner.token, body: { user_id: other.userId } });
    expect(foreign.status).toBe(404);
  });

  it('lets the owner reset an admin; the stored token is a hash, not the link', async () => {
    const made = await call('POST', `${RESET}/link/`, { token: owner.token, body: { user_id: admin.userId } });
    expect(made.status).toBe(201);
    const token = tokenIn(made.body.data.url)!;
    const stored = await env.DB_CONTROL.prepare(
      'SELECT token_hash, origin, created_by_user_id FROM password_resets WHERE user_id = ? AND used_at IS NULL',
    )
      .bind(admin.userId)
      .first<{ token_hash: string; origin: string; created_by_user_id: number }>();
    expect(stored).toMatchObject({ origin: 'admin', created_by_user_id: owner.userId });
    expect(stored!.token_hash).not.toContain(token);
  });
});
