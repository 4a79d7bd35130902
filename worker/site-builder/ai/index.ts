import type { AiFunctionRegistry } from '../../../durable-objects/site-coordinator/engine/ai-function';
import { generatePageContent } from './page-content';
import { generateSiteStructure } from './site-structure';

/** The Site Builder's AI functions, registered with the site coordinator's engine. */
export const siteBuilderFunctions: AiFunctionRegistry = {
  generate_site_structure: generateSiteStructure,
  generate_page_content: generatePageContent,
};
