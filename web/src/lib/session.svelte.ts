/**
 * Who is signed in: the /me payload (user, account, permissions, visible sites) as reactive state.
 * Pages read `session.can('users:manage')` to hide what the role can't do; the API enforces the
 * same access matrix (core/access.ts) anyway.
 */
import type { Permission } from '$core/access';
import type { AcceptInviteBody, LoginBody, RegisterBody } from '$core/validation/auth';
import {
  api,
  data,
  hasAccessToken,
  onSessionEnded,
  param,
  publicApi,
  read,
  refreshAccessToken,
  setAccessToken,
} from './api/client';
import type { Me } from './api/types';

type Status = 'unknown' | 'signed-in' | 'signed-out';
/** Why the session ended: the app layout sends only `expired` sessions back to sign-in with ?next=. */
type EndReason = 'expired' | 'signed-out' | 'none';

class Session {
  me = $state<Me | null>(null);
  status = $state<Status>('unknown');
  endReason = $state<EndReason>('none');
  #restoring: Promise<boolean> | null = null;

  constructor() {
    onSessionEnded(() => this.#clear('expired'));
  }

  get user() {
    return this.me?.user ?? null;
  }

  get sites() {
    return this.me?.sites ?? [];
  }

  can(permission: Permission): boolean {
    return this.me?.permissions[permission] ?? false;
  }

  /** On app start: trade the refresh cookie for an access token, then load /me. Shared by callers. */
  restore(): Promise<boolean> {
    if (this.status === 'signed-in' && this.me) return Promise.resolve(true);
    // Already known to be signed out in this page load: only signing in changes that.
    if (this.status === 'signed-out') return Promise.resolve(false);
    this.#restoring ??= (async () => {
      try {
        if (!hasAccessToken() && !(await refreshAccessToken())) {
          this.#clear('none');
          return false;
        }
        await this.reload();
        return true;
      } catch {
        this.#clear('none');
        return false;
      } finally {
        this.#restoring = null;
      }
    })();
    return this.#restoring;
  }

  /** Re-reads /me, e.g. after sites were created or deleted (the site switcher lists them). */
  async reload() {
    this.me = await data(api.api.v1.auth.me.$get());
    this.status = 'signed-in';
    this.endReason = 'none';
  }

  async signIn(input: LoginBody) {
    await this.#start(data(publicApi.api.v1.auth.login.$post({ json: input })));
  }

  async signUp(input: RegisterBody) {
    await this.#start(data(publicApi.api.v1.auth.register.$post({ json: input })));
  }

  async acceptInvite(token: string, input: Omit<AcceptInviteBody, 'token'>) {
    const accept = publicApi.api.v1.auth.invite[':token'].accept.$post;
    await this.#start(data(accept({ param: { token: param(token) }, json: input })));
  }

  /** Password change rotates the session: keep the new access token. */
  async changePassword(input: { current_password: string; new_password: string }) {
    const res = await read(api.api.v1.auth.password.change.$post({ json: input }));
    setAccessToken(res.data.access);
    return res.message;
  }

  async signOut() {
    try {
      await read(publicApi.api.v1.auth.logout.$post({ json: {} }));
    } finally {
      this.#clear('signed-out');
    }
  }

  async #start(tokens: Promise<{ access: string }>) {
    setAccessToken((await tokens).access);
    await this.reload();
  }

  #clear(reason: EndReason) {
    setAccessToken(null);
    this.endReason = reason;
    this.me = null;
    this.status = 'signed-out';
  }
}

export const session = new Session();
