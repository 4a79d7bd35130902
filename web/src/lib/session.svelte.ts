/**
 * Who is signed in: the /me payload (user, account, permissions, visible sites) as reactive state.
 * Pages read `session.can('users:manage')` to hide what the role can't do; the API enforces the
 * same access matrix (core/access.ts) anyway.
 */
import type { Permission } from '$core/access';
import type { AcceptInviteBody, LoginBody, RegisterBody } from '$core/validation/auth';
import { api, hasAccessToken, onSessionEnded, refreshAccessToken, setAccessToken } from './api/client';
import { API } from './api/paths';
import type { Me, SessionTokens } from './api/types';

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
    this.me = await api.get<Me>(API.me);
    this.status = 'signed-in';
    this.endReason = 'none';
  }

  async signIn(input: LoginBody) {
    await this.#start(api.post<SessionTokens>(API.login, input, { auth: false }));
  }

  async signUp(input: RegisterBody) {
    await this.#start(api.post<SessionTokens>(API.register, input, { auth: false }));
  }

  async acceptInvite(token: string, input: Omit<AcceptInviteBody, 'token'>) {
    await this.#start(api.post<SessionTokens>(API.inviteAccept(token), input, { auth: false }));
  }

  /** Password change rotates the session: keep the new access token. */
  async changePassword(input: { current_password: string; new_password: string }) {
    const res = await api.post<SessionTokens>(API.passwordChange, input);
    setAccessToken(res.data.access);
    return res.message;
  }

  async signOut() {
    try {
      await api.post(API.logout, {}, { auth: false });
    } finally {
      this.#clear('signed-out');
    }
  }

  async #start(response: Promise<{ data: SessionTokens }>) {
    const { data } = await response;
    setAccessToken(data.access);
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
