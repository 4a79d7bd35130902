/**
 * The blocks a generated page starts with, by its type: enough for the preview to show the page's
 * shape (a hero, text that says what will go there, the articles it lists, the contact details),
 * until "Generate content" writes it. Typed by core/validation/site-blocks (defaults filled in).
 */
import type { PageType } from '../../../core/domain/enums';
import { type PageBlock, pageBlocks } from '../../../core/validation/site-blocks';

interface StarterPage {
  title: string;
  type: PageType;
  cluster_id: number | null;
  meta_description: string;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const placeholder = (text: string) => ({ type: 'rich_text', heading: '', html: `<p>${escapeHtml(text)}</p>` });
const hero = (p: StarterPage) => ({
  type: 'hero',
  heading: p.title.slice(0, 140),
  subheading: p.meta_description.slice(0, 300),
});

const WILL_GO: Record<PageType, string> = {
  home: 'This introduction will say who the site is for and what a visitor finds here.',
  about: 'This section will tell the story behind the site: who writes it, why, and what they stand for.',
  services: 'This section will describe the service: what is included, who it is for and how to start.',
  products: 'This section will present the products: what they are, what sets them apart and how to choose.',
  blog: 'This introduction will say what the blog covers and how often new articles appear.',
  contact: 'This section will say how and when to get in touch, and what to include in a message.',
  custom: 'This section will introduce the page topic and guide the reader to the right articles.',
};

/** A page's starter blocks (validated, so the renderer and the block editor get every default). */
export function starterBlocks(page: StarterPage): PageBlock[] {
  const blocks: unknown[] = [hero(page)];
  if (page.cluster_id !== null) {
    // A pillar: an overview, then every article of its cluster as it is published.
    blocks.push(
      placeholder(`This overview of ${page.title} will explain the topic and link to every article about it.`),
      {
        type: 'post_list',
        heading: `Articles about ${page.title}`.slice(0, 140),
        source: 'cluster',
        cluster_id: page.cluster_id,
      },
    );
  } else {
    blocks.push(placeholder(WILL_GO[page.type]));
    if (page.type === 'home' || page.type === 'blog')
      blocks.push({
        type: 'post_list',
        heading: 'Latest articles',
        source: 'latest',
        limit: page.type === 'blog' ? 12 : 6,
      });
    if (page.type === 'contact') blocks.push({ type: 'contact', heading: 'Contact us' });
  }
  return pageBlocks.parse(blocks);
}
