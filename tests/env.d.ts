import type { Env as WorkerEnv } from '../worker/env';

declare global {
  namespace Cloudflare {
    // The test worker's env is the Worker's Env (plus the migrations the setup file applies).
    // (An interface can't extend an `import('…')` type, and skipLibCheck hides that error in a
    // .d.ts: extend a named import.)
    interface Env extends WorkerEnv {}
  }
}
export type Env = WorkerEnv;
