import { exports } from 'cloudflare:workers';

/**
 * A tiny API client for the integration tests: real HTTP requests into the Worker under test
 * (the same fetch handler production runs), returning the parsed envelope.
 */
export const ORIGIN = 'http://localhost:8787';

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = any>(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Res<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let payload: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await (exports as any).default.fetch(new Request(`${ORIGIN}${path}`, { method, headers, body: payload }));
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* non-JSON (e.g. the docs page) */
  }
  return { status: res.status, body, headers: res.headers };
}

let counter = 0;
export const uniqueEmail = (label: string) => `${label}-${Date.now().toString(36)}-${++counter}@example.test`;
/** Signups are throttled per client network: each helper signup comes from its own /64. */
const signupClient = () => ({ 'cf-connecting-ip': `2001:db8:5ee:${(++counter).toString(16)}::1` });
export const PASSWORD = 'correct-horse-battery-9';

export interface Session {
  token: string;
  refresh: string;
  userId: number;
  accountId: number;
  email: string;
}

/** Signs up a new account (owner) with the refresh token delivered in the body. */
export async function signup(label = 'owner', accountName = `${label} account`): Promise<Session> {
  const email = uniqueEmail(label);
  const res = await call('POST', '/api/v1/auth/register/', {
    headers: signupClient(),
    body: { email, password: PASSWORD, name: `${label} user`, account_name: accountName, delivery: 'body' },
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  const d = res.body.data;
  return { token: d.access, refresh: d.refresh, userId: d.user.id, accountId: d.account.id, email };
}

export async function login(email: string, password = PASSWORD, headers?: Record<string, string>): Promise<Session> {
  const res = await call('POST', '/api/v1/auth/login/', { body: { email, password, delivery: 'body' }, headers });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  const d = res.body.data;
  return { token: d.access, refresh: d.refresh, userId: d.user.id, accountId: d.user.account_id, email };
}

/** Invites a user with `role` and accepts the invite, returning their session. */
export async function addMember(
  owner: Session,
  role: 'admin' | 'editor' | 'viewer',
  siteIds: number[] = [],
): Promise<Session> {
  const email = uniqueEmail(role);
  const invite = await call('POST', '/api/v1/auth/users/', {
    token: owner.token,
    body: { email, role, site_ids: siteIds },
  });
  if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${JSON.stringify(invite.body)}`);
  const token = new URL(invite.body.data.invite_url).pathname.split('/').pop()!;
  const accept = await call('POST', `/api/v1/auth/invite/${token}/accept/`, {
    body: { name: `${role} member`, password: PASSWORD, delivery: 'body' },
  });
  if (accept.status !== 200) throw new Error(`accept failed: ${accept.status} ${JSON.stringify(accept.body)}`);
  const d = accept.body.data;
  return { token: d.access, refresh: d.refresh, userId: d.user.id, accountId: d.user.account_id, email };
}

export async function createSite(owner: Session, name: string): Promise<{ id: number; name: string }> {
  const res = await call('POST', '/api/v1/auth/sites/', { token: owner.token, body: { name } });
  if (res.status !== 201) throw new Error(`site failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}
