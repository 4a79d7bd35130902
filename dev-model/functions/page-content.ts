/**
 * generate_page_content: one page's blocks in reading order — a hero, two or three rich text
 * sections built from the page's keywords, the cluster's articles on a pillar page, an FAQ, a
 * contact block on a contact page, and a call to action. Deterministic per page; written a little
 * untidily (one section's HTML under `content`, a list limit as a string), as models do.
 */
import {
  asArray,
  asString,
  capitalise,
  escapeHtml,
  keywordString,
  pick,
  plainQuotes,
  rngFor,
  shuffled,
  titleCase,
} from '../text.ts';

const INTROS = [
  (t: string, k: string) => `${t} starts with one question: what does ${k} really take? Here is the short answer.`,
  (t: string, k: string) =>
    `Whether you are new to ${k} or refining what you know, ${t.toLowerCase()} is the place to begin.`,
  (t: string, k: string) =>
    `We wrote ${t.toLowerCase()} for readers who want ${k} explained plainly, without the jargon.`,
];
const SECTION_HEADS = [
  (k: string) => `Why ${k} matters`,
  (k: string) => `Getting started with ${k}`,
  (k: string) => `Common mistakes with ${k}`,
  (k: string) => `What to read next about ${k}`,
];
const QUESTIONS = [
  (k: string) => [`What is ${k}?`, `${capitalise(k)} is a topic we cover in depth: start with the overview above.`],
  (k: string) => [
    `How long does ${k} take?`,
    `Most readers see results within a few weeks; the guides below give a realistic plan.`,
  ],
  (k: string) => [`Is ${k} worth it?`, `For most people, yes: the benefits outweigh the effort when you start small.`],
  (k: string) => [`Where do I start with ${k}?`, `Read the first guide on this page, then follow the checklist.`],
];

const siteSlug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')
    .slice(0, 30) || 'site';

export function pageContent(input: unknown): unknown {
  const obj = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const site = (obj.site ?? {}) as Record<string, unknown>;
  const page = (obj.page ?? {}) as Record<string, unknown>;
  const cluster = (page.cluster && typeof page.cluster === 'object' ? page.cluster : null) as Record<
    string,
    unknown
  > | null;
  const siteName = plainQuotes(asString(site.name, 'Our site'));
  const title = plainQuotes(asString(page.title, 'Welcome'));
  const type = asString(page.type, 'custom');
  const keywords = asArray(cluster?.keywords)
    .map(keywordString)
    .filter((k): k is string => !!k);
  const topic = keywords[0] ?? (cluster ? asString(cluster.name) : title).toLowerCase();
  const rng = rngFor('page_content', siteName, type, title, keywords.join('|'));

  const blocks: Record<string, unknown>[] = [
    {
      type: 'hero',
      heading: type === 'home' ? `${siteName}: ${titleCase(topic)}` : title,
      subheading: asString(page.meta_description) || pick(rng, INTROS)(title, topic),
      cta_label: type === 'contact' ? '' : pick(rng, ['Start reading', 'Explore the guides', 'Learn more']),
      cta_href: type === 'contact' ? '' : '/blog/',
    },
  ];
  const heads = shuffled(rng, SECTION_HEADS).slice(0, type === 'contact' ? 1 : 2 + Math.floor(rng() * 2));
  heads.forEach((head, i) => {
    const k = keywords[i % Math.max(1, keywords.length)] ?? topic;
    const list = keywords.slice(0, 4).map((w) => `<li>${escapeHtml(w)}</li>`);
    const html =
      `<p>${escapeHtml(pick(rng, INTROS)(title, k))}</p>` +
      `<p>At ${escapeHtml(siteName)} we test what we recommend, so every tip on <strong>${escapeHtml(k)}</strong> ` +
      `comes from practice, not theory.</p>` +
      (list.length && i === 0 ? `<ul>${list.join('')}</ul>` : '');
    // Untidy on purpose: the second section's HTML comes under `content`.
    blocks.push(
      i === 1 ? { type: 'rich_text', heading: head(k), content: html } : { type: 'rich_text', heading: head(k), html },
    );
  });
  if (cluster && typeof cluster.id === 'number')
    blocks.push({
      type: 'post_list',
      heading: `Latest on ${titleCase(topic)}`,
      source: 'cluster',
      cluster_id: cluster.id,
      limit: '6',
    });
  else if (type === 'home' || type === 'blog')
    blocks.push({ type: 'post_list', heading: 'Latest articles', source: 'latest', limit: '6' });
  if (type === 'contact') {
    blocks.push({
      type: 'contact',
      heading: 'Write to us',
      email: `hello@${siteSlug(siteName)}.example`,
      phone: '+1 555 0100',
      address: '',
    });
  } else {
    const qs = shuffled(rng, QUESTIONS).slice(0, 3);
    blocks.push({
      type: 'faq',
      heading: 'Frequently asked questions',
      items: qs.map((q, i) => {
        const [question, answer] = q(keywords[i] ?? topic);
        return { question, answer };
      }),
    });
    blocks.push({
      type: 'cta',
      heading: pick(rng, ['Ready to start?', 'Questions left?', 'Want the next guide?']),
      text: `${siteName} answers every message within a day.`,
      button_label: pick(rng, ['Contact us', 'Get in touch']),
      button_href: '/contact/',
    });
  }
  return { blocks };
}
