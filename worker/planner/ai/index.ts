import type { AiFunctionRegistry } from '../../../durable-objects/site-coordinator/engine/ai-function';
import { autoCluster } from './auto-cluster';
import { generateIdeas } from './generate-ideas';

/** The planner's AI functions, registered with the site coordinator's engine. */
export const plannerFunctions: AiFunctionRegistry = {
  auto_cluster: autoCluster,
  generate_ideas: generateIdeas,
};
