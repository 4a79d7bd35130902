import { and, eq } from 'drizzle-orm';
import type { PromptType } from '../../core/domain/enums';
import { aiPrompts } from '../../core/schema/shard';
import type { ShardDb } from '../db/shards';

export type { PromptType };

/**
 * Built-in instructions per prompt type. The function appends its input as a fenced JSON block
 * (the convention the dev model server reads too), and the reply format is enforced by the
 * structured-output schema, so these texts say what to do, not how to format.
 */
export const DEFAULT_PROMPTS: Record<PromptType, string> = {
  clustering:
    'You are an SEO strategist. Group the keywords below into topical clusters that one page could rank for. ' +
    'Each cluster has 3 to 10 keywords, a short readable name and a one-sentence description. Put every input ' +
    'keyword in exactly one cluster and copy each keyword exactly as given; never invent keywords.',
  ideas:
    'You are a content strategist. For each keyword cluster below, propose 3 to 7 distinct content ideas that target ' +
    'its keywords. For each idea give a title, a description, the content type and structure, target keywords taken ' +
    'from the cluster, an estimated word count, and an outline of 6 to 10 H2 sections with what each section covers.',
  content_generation:
    'You are an expert SEO writer. Write the article described below. Follow the outline exactly: one section ' +
    'per H2, in the given order. Use the primary keyword naturally in the title, the first section and the meta ' +
    'description. Write clean HTML (p, ul, ol, li, strong, em, a, table) inside sections; no h1, no scripts, ' +
    'no inline styles.',
  image_prompt_extraction:
    'You are an art director. From the article below, write one prompt for a featured image and prompts for ' +
    'in-article images, each with alt text and the index of the section it should follow. Describe photographs ' +
    'or illustrations; no text in images.',
  image_generation: 'A clean, modern, high-quality editorial image: {prompt}',
  content_optimization:
    'You are an SEO editor improving one part of an existing article; keep its facts, tone and language. ' +
    'The action below says what to write: intro — rewrite the first paragraph so it uses the primary keyword ' +
    'naturally; outline_section — write the missing section (its H2 and 2 to 4 paragraphs of HTML covering its ' +
    'note); split_paragraphs — split each long paragraph into shorter ones without changing its words; ' +
    'meta_description — one sentence of 120 to 156 characters with the primary keyword.',
  internal_linking:
    'You are an SEO editor choosing internal links for the article below. Choose only among the candidates given: ' +
    'each is a page of this site and a place in the article (path, from, to, text) that may link to it. Pick the ' +
    'links a reader would follow, at most one per page and at most the cap; copy each chosen candidate exactly.',
  site_structure:
    'You are an information architect planning a website. From the site and its keyword clusters below, propose ' +
    'the pages: a home page, the pages the site type needs (about, services or products, contact), and one pillar ' +
    'page for every hub cluster, each naming the cluster it serves by id. Give each page a title, a short slug, ' +
    'its type, a one-sentence meta description, and the blog categories and tags the articles should be filed under.',
  page_content:
    'You are a conversion copywriter writing one page of the website described below. Fill the page with blocks ' +
    'in reading order: a hero, then rich text sections, an FAQ where the page answers questions, and a call to ' +
    'action. Use the page keywords naturally. Rich text is clean HTML (p, ul, ol, li, strong, em, a); no scripts, ' +
    'no inline styles, no h1.',
};

/** Prompt resolution (seed): task override → the account's AIPrompt → the built-in default. */
export async function resolvePrompt(db: ShardDb, accountId: number, type: PromptType, taskOverride?: string | null) {
  if (taskOverride?.trim()) return { text: taskOverride, source: 'task' as const };
  const row = await db
    .select({ prompt_value: aiPrompts.prompt_value })
    .from(aiPrompts)
    .where(and(eq(aiPrompts.account_id, accountId), eq(aiPrompts.prompt_type, type)))
    .get();
  if (row) return { text: row.prompt_value, source: 'account' as const };
  return { text: DEFAULT_PROMPTS[type], source: 'default' as const };
}
