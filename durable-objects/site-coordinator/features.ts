import type { AiFunction } from '../../core/domain/enums';
import { autoCluster } from '../../worker/planner/ai/auto-cluster';
import { generateContent } from '../../worker/writer/ai/generate-content';
import { generateIdeas } from '../../worker/planner/ai/generate-ideas';
import { generateImagePrompts } from '../../worker/writer/ai/generate-image-prompts';
import { generateImages } from '../../worker/writer/ai/generate-images';
import type { AiFunctionDefinition } from './ai-function';

/** Every AI function the SiteCoordinator can run. Later functions register here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const AI_FUNCTION_REGISTRY: Partial<Record<AiFunction, AiFunctionDefinition<any, any, any>>> = {
  auto_cluster: autoCluster,
  generate_ideas: generateIdeas,
  generate_content: generateContent,
  generate_image_prompts: generateImagePrompts,
  generate_images: generateImages,
};

export function functionDefinition(name: string) {
  const def = AI_FUNCTION_REGISTRY[name as AiFunction];
  if (!def) throw new Error(`Unknown AI function ${name}`);
  return def;
}
