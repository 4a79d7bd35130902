import type { TextAiFunction } from '../../../core/ai/contracts';
import { autoCluster } from './auto-cluster';
import { generateIdeas } from './generate-ideas';
import type { AiFunctionDefinition } from './types';

/** Every AI function the SiteCoordinator can run. Later functions register here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const AI_FUNCTION_REGISTRY: Partial<Record<TextAiFunction, AiFunctionDefinition<any, any, any>>> = {
  auto_cluster: autoCluster,
  generate_ideas: generateIdeas,
};

export function functionDefinition(name: string) {
  const def = AI_FUNCTION_REGISTRY[name as TextAiFunction];
  if (!def) throw new Error(`Unknown AI function ${name}`);
  return def;
}
