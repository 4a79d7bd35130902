/**
 * Production entry (wrangler.toml `main`): the API and the Durable Objects, with the built
 * SvelteKit app (web/ → build/sveltekit/worker.js, see web/wrangler.adapter.toml) for every other path.
 */
import sveltekit from '../build/sveltekit/worker.js';
import type { Env } from './env';
import { createWorker } from './worker';

export default createWorker((request, env, ctx) => sveltekit.fetch(request, env as never, ctx));
export { SiteCoordinator } from '../durable-objects/site-coordinator/index';
export { DraftRoom } from '../durable-objects/draft-room/index';
export { AiBudget } from '../durable-objects/ai-budget/index';
export type { Env };
