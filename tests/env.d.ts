import type { Env } from '../worker/env';

declare global {
  namespace Cloudflare {
    // The test worker's env is the Worker's Env (plus the migrations the setup file applies).
    interface Env extends import('../worker/env').Env {}
  }
}
export type { Env };
