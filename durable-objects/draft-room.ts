/**
 * The DraftRoom lives in durable-objects/draft-room/; this path stays because worker/index.ts and
 * worker/test-entry.ts export the class from here (the binding's class name is fixed in wrangler.toml).
 */
export { DraftRoom } from './draft-room/index';
