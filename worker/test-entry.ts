/**
 * Entry for the workerd integration tests: the same Worker without the SvelteKit build, so the API
 * tests don't depend on building the UI. Non-API paths answer 404.
 */
import { createWorker } from './worker';

export default createWorker(
  () => new Response('Not found (the UI is not built into the test worker).', { status: 404 }),
);
export { SiteCoordinator } from '../durable-objects/site-coordinator/index';
export { DraftRoom } from '../durable-objects/draft-room/index';
export { AiBudget } from '../durable-objects/ai-budget/index';
