import type { AiFunctionRegistry } from '../../durable-objects/site-coordinator/engine/ai-function';
import { linkContent } from './link-content';

/** The Linker's AI functions, registered with the site coordinator's engine. */
export const linkerFunctions: AiFunctionRegistry = { link_content: linkContent };
