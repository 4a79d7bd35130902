/**
 * generate_page_content's reading of a reply (pure): the blocks the model wrote, each checked on
 * its own against its type's schema (core/validation/site-blocks) — an invalid block is dropped,
 * the valid ones kept. Rich text is sanitized here, before it is stored (DESIGN §7 "Untrusted
 * input"); plain fields are made plain; a block may only list the blueprint's own clusters and
 * terms, and never names an asset (the model has none to name).
 */
import { asInt, asPlain, listIn } from '../../../core/ai/normalize-reply';
import { htmlToText, sanitizeHtml } from '../../../core/html/sanitize';
import { blockHref, MAX_BLOCKS_PER_PAGE, type PageBlock, pageBlock } from '../../../core/validation/site-blocks';
import { InvalidReply } from '../../../durable-objects/site-coordinator/engine/ai-function';

export interface BlockScope {
  /** The cluster the page serves (a post list "of this topic" lists it). */
  cluster_id: number | null;
  /** Clusters and taxonomy terms of the blueprint a post list may name. */
  cluster_ids: number[];
  taxonomy_ids: number[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const pick = (o: Obj, ...keys: string[]) => keys.map((k) => o[k]).find((v) => v !== undefined && v !== null);
const defined = (o: Obj) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const plain = (v: unknown, max: number) => asPlain(v, max);

const TYPE_ALIASES: Record<string, PageBlock['type']> = {
  hero: 'hero',
  banner: 'hero',
  header: 'hero',
  rich_text: 'rich_text',
  richtext: 'rich_text',
  text: 'rich_text',
  paragraph: 'rich_text',
  section: 'rich_text',
  content: 'rich_text',
  post_list: 'post_list',
  posts: 'post_list',
  article_list: 'post_list',
  faq: 'faq',
  faqs: 'faq',
  cta: 'cta',
  call_to_action: 'cta',
  contact: 'contact',
  contact_form: 'contact',
};

const typeOf = (v: unknown) =>
  TYPE_ALIASES[
    String(v ?? '')
      .trim()
      .toLowerCase()
      .replace(/[^a-z]+/g, '_')
  ];

/** Rich text kept only with readable text after sanitizing (an all-script block is nothing). */
function richHtml(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const html = sanitizeHtml(v).trim();
  return htmlToText(html) ? html : undefined;
}

function shape(raw: Obj, scope: BlockScope): unknown {
  const type = typeOf(pick(raw, 'type', 'block', 'kind'));
  switch (type) {
    case 'hero': {
      // A hero keeps its heading when its button's link is unusable (javascript:, data:): the button goes.
      const href = blockHref.safeParse(pick(raw, 'cta_href', 'button_href'));
      return defined({
        type,
        heading: plain(pick(raw, 'heading', 'title', 'headline'), 140),
        subheading: plain(pick(raw, 'subheading', 'subtitle', 'text'), 300),
        cta_label: href.success ? plain(pick(raw, 'cta_label', 'button_label'), 40) : '',
        cta_href: href.success ? href.data : '',
        image_asset_id: null,
      });
    }
    case 'rich_text':
      return defined({
        type,
        heading: plain(pick(raw, 'heading', 'title', 'h2'), 140),
        html: richHtml(pick(raw, 'html', 'content', 'body', 'text')),
      });
    case 'faq': {
      const items = (listIn(pick(raw, 'items', 'questions', 'faqs') ?? [], 'items', (o) => 'question' in o) ?? [])
        .filter(isObj)
        .map((q) => ({ question: plain(pick(q, 'question', 'q'), 300), answer: plain(pick(q, 'answer', 'a'), 2000) }))
        .filter((q) => q.question && q.answer);
      return defined({ type, heading: plain(raw.heading ?? raw.title, 140), items });
    }
    case 'cta':
      return defined({
        type,
        heading: plain(pick(raw, 'heading', 'title'), 140),
        text: plain(pick(raw, 'text', 'subheading'), 500),
        button_label: plain(pick(raw, 'button_label', 'label', 'cta_label'), 40),
        button_href: pick(raw, 'button_href', 'href', 'url', 'cta_href'),
      });
    case 'post_list': {
      const cluster = asInt(raw.cluster_id);
      const term = asInt(raw.taxonomy_id);
      let source = pick(raw, 'source');
      // A list may only name this blueprint's clusters and terms; otherwise it shows the page's own topic.
      const clusterOk = cluster !== undefined && scope.cluster_ids.includes(cluster);
      const termOk = term !== undefined && scope.taxonomy_ids.includes(term);
      if (source === 'taxonomy' && !termOk) source = 'cluster';
      if (source === 'cluster' && !clusterOk && scope.cluster_id === null) source = 'latest';
      return defined({
        type,
        heading: plain(pick(raw, 'heading', 'title'), 140),
        source: source ?? 'latest',
        cluster_id: source === 'cluster' ? (clusterOk ? cluster : scope.cluster_id) : null,
        taxonomy_id: source === 'taxonomy' ? term : null,
        limit: asInt(raw.limit),
      });
    }
    case 'contact':
      return defined({
        type,
        heading: plain(raw.heading ?? raw.title, 140),
        email: typeof raw.email === 'string' ? raw.email.trim() : undefined,
        phone: plain(raw.phone, 40),
        address: plain(raw.address, 300),
      });
    default:
      return null;
  }
}

/** The valid blocks of a reply, in its order (dropped: the ones that were not). None valid: InvalidReply. */
export function readPageBlocks(reply: unknown, scope: BlockScope): { blocks: PageBlock[]; dropped: number } {
  const list = listIn(reply, 'blocks', (o) => 'type' in o) ?? [];
  const blocks: PageBlock[] = [];
  for (const item of list) {
    if (!isObj(item)) continue;
    const r = pageBlock.safeParse(shape(item, scope));
    if (r.success && blocks.length < MAX_BLOCKS_PER_PAGE) blocks.push(r.data);
  }
  if (!blocks.length) {
    throw new InvalidReply(
      list.length ? `none of the ${list.length} blocks in the reply is valid` : 'the reply has no blocks',
    );
  }
  return { blocks, dropped: list.length - blocks.length };
}
