import type { AiFunction } from '../../../core/domain/enums';
import { autoCluster } from './auto-cluster';
import { generateContent } from './generate-content';
import { generateIdeas } from './generate-ideas';
import { generateImagePrompts } from './generate-image-prompts';
import { generateImages } from './generate-images';
import type { AiFunctionDefinition } from './types';

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
