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
  probeSession,
  publicApi,
  read,
  setAccessToken,
} from './api/client';
import type { Me } from './api/types';
import { setCacheScope } from './cache/load';
import { clearCache } from './cache/swr';

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
    setCacheScope(() => `${this.me?.user.id ?? 0}:${this.me?.account?.id ?? 0}`);
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

  /**
   * On app start: the refresh cookie traded for an access token and /me in one round trip (the
   * start-up probe; "signed out" is a normal answer there, not a 401). Shared by callers.
   */
  restore(): Promise<boolean> {
    if (this.status === 'signed-in' && this.me) return Promise.resolve(true);
    // Already known to be signed out in this page load: only signing in changes that.
    if (this.status === 'signed-out') return Promise.resolve(false);
    this.#restoring ??= (async () => {
      try {
        if (hasAccessToken()) {
          await this.reload();
          return true;
        }
        const me = await probeSession();
        if (me) this.#signedIn(me as Me);
        // Signed in but /me didn't come along (a hiccup in the probe): ask for it on its own.
        else if (hasAccessToken()) await this.reload();
        else {
          this.#clear('none');
          return false;
        }
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
    this.#signedIn(await data(api.api.v1.auth.me.$get()));
  }

  #signedIn(me: Me) {
    this.me = me;
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

  /** Forgot password: the same answer whatever the email; `mail` false means "ask an owner or admin". */
  async requestPasswordReset(email: string) {
    const res = await read(publicApi.api.v1.auth['password-reset'].$post({ json: { email } }));
    return { mail: res.data.mail, message: res.message ?? '' };
  }

  /** Sets the new password from a reset link; every session ends, so the user signs in again after. */
  async confirmPasswordReset(token: string, password: string) {
    const res = await read(publicApi.api.v1.auth['password-reset'].confirm.$post({ json: { token, password } }));
    return res.data.email;
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
    clearCache(); // the next user in this tab must not see this one's pages, even for a moment
    this.endReason = reason;
    this.me = null;
    this.status = 'signed-out';
  }
}

export const session = new Session();
