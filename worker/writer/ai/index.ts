import type { AiFunctionRegistry } from '../../../durable-objects/site-coordinator/engine/ai-function';
import { generateContent } from './generate-content';
import { generateImagePrompts } from './generate-image-prompts';
import { generateImages } from './generate-images';
import { reparseContent } from './reparse-content';

/** The writer's AI functions, registered with the site coordinator's engine. */
export const writerFunctions: AiFunctionRegistry = {
  generate_content: generateContent,
  generate_image_prompts: generateImagePrompts,
  generate_images: generateImages,
  reparse_content: reparseContent,
};
