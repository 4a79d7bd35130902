import type { AiFunctionRegistry } from '../../../durable-objects/site-coordinator/engine/ai-function';
import { optimizeContent } from './optimize-content';

/** The Optimizer's AI functions, registered with the site coordinator's engine. */
export const optimizerFunctions: AiFunctionRegistry = { optimize_content: optimizeContent };
