/**
 * generate_content: an article that follows the given outline in order. Each section is a few
 * <p> paragraphs (sometimes a <ul> or a <table>) that mention the keywords and the section's
 * coverage text; the total length is roughly `word_count`.
 */
import {
  asArray,
  asString,
  capitalise,
  clampInt,
  escapeHtml,
  intBetween,
  keywordString,
  lowerFirst,
  pick,
  plainQuotes,
  rngFor,
  significantTerms,
  stripTags,
  titleCase,
  truncateAtWord,
  wordCount,
  type Rng,
} from '../text.ts';

export interface ContentOut {
  title: string;
  meta_title: string;
  meta_description: string;
  primary_keyword: string;
  secondary_keywords: string[];
  tags: string[];
  categories: string[];
  sections: { h2: string; html: string }[];
}

interface Ctx {
  title: string;
  primary: string;
  secondary: string[];
  tone: string;
}

export function generateContent(input: unknown): ContentOut {
  const obj = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const secondaryIn = asArray(obj.secondary_keywords ?? obj.keywords)
    .map(keywordString)
    .filter((k): k is string => !!k && k.trim() !== '');
  const primary = plainQuotes(
    asString(obj.primary_keyword).trim() || secondaryIn[0] || asString(obj.title).trim().toLowerCase() || 'this topic',
  );
  const title = plainQuotes(asString(obj.title).trim()) || titleCase(primary);
  const secondary = secondaryIn.map(plainQuotes).filter((k) => k !== primary);
  const tone = asString(obj.tone).trim().toLowerCase();
  const wordTarget = clampInt(obj.word_count ?? obj.estimated_word_count, 150, 10_000, 1200);

  let outline = asArray(obj.outline)
    .map((s) => {
      if (typeof s === 'string') return { h2: s, coverage: '' };
      const o = (s && typeof s === 'object' ? s : {}) as Record<string, unknown>;
      return {
        h2: asString(o.h2 ?? o.heading ?? o.title).trim(),
        coverage: asString(o.coverage ?? o.description).trim(),
      };
    })
    .filter((s) => s.h2 !== '');
  if (outline.length === 0) outline = defaultOutline(title, primary);

  const ctx: Ctx = { title, primary, secondary, tone };
  const perSection = Math.max(40, Math.round(wordTarget / outline.length));
  const tableAt = pickTableSection(outline);
  const sections = outline.map((s, i) => ({
    h2: plainQuotes(s.h2),
    html: sectionHtml(ctx, s.h2, plainQuotes(s.coverage), i, perSection, i === tableAt),
  }));

  const firstCoverage = outline[0]?.coverage ?? '';
  const metaDesc = metaDescription(primary, title, firstCoverage, secondary);
  const tags = uniqueLower([
    primary,
    ...secondary.slice(0, 3),
    ...significantTerms(title)
      .map((t) => t.surface)
      .filter((w) => w.length > 3)
      .slice(0, 3),
  ]).slice(0, 6);
  const head = significantTerms(primary)
    .slice(0, 2)
    .map((t) => t.surface)
    .join(' ');
  const categories = uniqueLower([titleCase(head || primary)]).map(titleCase);
  return {
    title,
    meta_title: truncateAtWord(title, 60),
    meta_description: metaDesc,
    primary_keyword: primary,
    secondary_keywords: secondary,
    tags,
    categories,
    sections,
  };
}

function uniqueLower(items: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const it of items) {
    const v = it.trim().toLowerCase().slice(0, 100);
    if (v && !seen.has(v)) {
      seen.add(v);
      out.push(v);
    }
  }
  return out;
}

function defaultOutline(title: string, primary: string): { h2: string; coverage: string }[] {
  const K = titleCase(primary);
  return [
    { h2: `What Is ${K}?`, coverage: `Define ${primary} and who it is for.` },
    { h2: `Why ${K} Matters`, coverage: `Explain the benefits of ${primary}.` },
    { h2: `How to Get Started`, coverage: `Give the first practical steps.` },
    { h2: `Common Mistakes`, coverage: `List mistakes to avoid with ${primary}.` },
    { h2: `Tips and Best Practices`, coverage: `Share practical tips.` },
    { h2: `Conclusion`, coverage: `Summarise ${title.toLowerCase()} and suggest a next step.` },
  ];
}

function pickTableSection(outline: { h2: string }[]): number {
  const i = outline.findIndex((s) =>
    /\b(vs|versus|compar\w*|cost\w*|price\w*|differen\w*|options|types|table)\b/i.test(s.h2),
  );
  if (i >= 0) return i;
  return outline.length >= 5 ? 2 : -1;
}

function metaDescription(primary: string, title: string, coverage: string, secondary: string[]): string {
  const also = secondary[0] ? ` Covers ${secondary[0]}${secondary[1] ? ` and ${secondary[1]}` : ''}.` : '';
  const base =
    `${capitalise(primary)}: ` +
    `${coverage ? lowerFirst(coverage.replace(/[.!?]+$/, '')) : `a practical look at ${title.toLowerCase()}`}` +
    `.${also}`;
  let out = truncateAtWord(base, 160);
  if (out.length < base.length) out = truncateAtWord(out, 159) + '.';
  return out.slice(0, 160);
}

const SENTENCES: ((c: { kw: string; sec: string; topic: string; T: string; tone: string }) => string)[] = [
  (c) => `When people search for ${c.kw}, they usually want a clear answer they can act on today.`,
  (c) => `A good starting point is to understand how ${c.topic} fits into the bigger picture of ${c.T}.`,
  (c) => `Most readers find that ${c.sec} becomes much easier once the basics of ${c.topic} are in place.`,
  (c) => `It helps to write down your goal first, because ${c.kw} looks different for every situation.`,
  (c) => `Small, consistent improvements to ${c.topic} tend to beat one big change made in a hurry.`,
  (c) => `Experienced practitioners often point out that ${c.sec} is where the real gains are made.`,
  (c) => `Keep notes as you go, so you can see which parts of ${c.topic} actually make a difference.`,
  (c) => `There is no single right answer here, but the trade-offs around ${c.kw} are easy to weigh.`,
  (c) => `Budget, time and experience all shape the best approach to ${c.topic}.`,
  (c) => `If you are new to ${c.kw}, start with the simplest option and build from there.`,
  (c) => `A common mistake is to skip the preparation, which makes ${c.topic} harder than it needs to be.`,
  (c) => `Checking your results after a week or two shows whether your approach to ${c.sec} is working.`,
  (c) => `The details matter: a little extra care with ${c.topic} pays off over the long run.`,
  (c) => `Many of the questions we hear about ${c.kw} come down to the same few fundamentals.`,
  (c) => `Think of ${c.topic} as a process rather than a one-off task, and revisit it regularly.`,
  (c) => `For most people, combining ${c.kw} with ${c.sec} gives the most reliable results.`,
  (c) =>
    `${capitalise(c.tone ? `a ${c.tone} approach` : 'a patient approach')} works best here, ` +
    `because ${c.topic} rewards steady attention.`,
  (c) => `Ask yourself what success looks like for ${c.topic}, and measure against that rather than against others.`,
];

const BULLETS: ((c: { kw: string; sec: string; topic: string }) => string)[] = [
  (c) => `Start small and learn how ${c.topic} behaves in your situation`,
  (c) => `Compare at least two options for ${c.kw} before committing`,
  (c) => `Set aside time each week to review ${c.sec}`,
  (c) => `Write down what worked and what did not`,
  (c) => `Ask an experienced friend or community for a second opinion on ${c.topic}`,
  (c) => `Revisit your plan once the first results are in`,
];

function sectionHtml(
  ctx: Ctx,
  h2: string,
  coverage: string,
  index: number,
  targetWords: number,
  withTable: boolean,
): string {
  const rng = rngFor('content', ctx.title, h2, index);
  const topic = sectionTopic(h2);
  const secondaries = ctx.secondary.length ? ctx.secondary : [ctx.primary];
  const slots = () => ({
    kw: ctx.primary,
    sec: secondaries[Math.floor(rng() * secondaries.length)]!,
    topic,
    T: ctx.title.toLowerCase(),
    tone: ctx.tone,
  });
  const parts: string[] = [];
  let words = 0;

  // The first paragraph states the coverage and names the primary keyword.
  const second = pick(rng, [
    `${capitalise(ctx.primary)} is at the centre of this section, so we keep the advice practical.`,
    `Here is how ${topic} connects to ${ctx.primary}.`,
    `We look at ${topic} with ${ctx.primary} in mind.`,
    `Anyone working on ${ctx.primary} will run into ${topic} sooner or later.`,
  ]);
  const opener = coverage
    ? `${coverage}${/[.!?]$/.test(coverage) ? '' : '.'} ${second}`
    : `${capitalise(topic)} is an important part of ${ctx.primary}, and this section explains why.`;
  const sentences: string[] = [opener];
  words += wordCount(opener);

  const list = index % 3 === 1 || (!withTable && index % 4 === 3);
  const listHtml = list
    ? `<ul>${shuffled(rng, BULLETS.length)
        .slice(0, intBetween(rng, 3, 5))
        .map((b) => `<li>${escapeHtml(capitalise(BULLETS[b]!(slots())))}</li>`)
        .join('')}</ul>`
    : '';
  const table = withTable ? tableHtml(ctx, topic, rng) : '';
  words += wordCount(stripTags(listHtml + ' ' + table));

  // Secondary keyword mention on sections that have one to spare.
  const sec = ctx.secondary[index % Math.max(1, ctx.secondary.length)];
  const secLine = sec && !opener.includes(sec) ? `This is also where ${sec} comes in.` : '';
  words += wordCount(secLine);

  const order = shuffled(rng, SENTENCES.length);
  let oi = 0;
  const paragraphs: string[] = [];
  let perParagraph = intBetween(rng, 3, 4);
  for (;;) {
    const s = SENTENCES[order[oi++ % order.length]!]!(slots());
    const n = wordCount(s);
    // Stop when the next sentence would overshoot more than stopping undershoots.
    if (sentences.length + paragraphs.length >= 2 && words + n / 2 > targetWords) break;
    sentences.push(s);
    words += n;
    if (sentences.length >= perParagraph) {
      paragraphs.push(sentences.splice(0).join(' '));
      perParagraph = intBetween(rng, 3, 5);
    }
    if (oi > 400) break;
  }
  if (sentences.length) paragraphs.push(sentences.join(' '));
  if (secLine) paragraphs[paragraphs.length - 1] += ` ${secLine}`;

  for (const [pi, p] of paragraphs.entries()) {
    parts.push(`<p>${escapeHtml(p)}</p>`);
    if (pi === 0 && listHtml) parts.push(listHtml);
    if (pi === 0 && table) parts.push(table);
  }
  return parts.join('\n');
}

/** The subject of a heading: "What Is a Raised Bed?" → "a raised bed", "Step 2: Set Up" → "set up". */
function sectionTopic(h2: string): string {
  const t = h2
    .replace(/[?!.:]+$/, '')
    .replace(/^(step\s*\d+\s*[:.\-–]\s*)/i, '')
    .replace(/^(what|why|how|when|where|which)\s+(is|are|do|does|to|should|can)\s+/i, '')
    .replace(/^(why|how|when)\s+/i, '')
    .trim();
  return (t || h2)
    .split(/\s+/)
    .map((w) => (/^[A-Z0-9]{2,}$/.test(w) ? w : w.toLowerCase()))
    .join(' ');
}

function tableHtml(ctx: Ctx, topic: string, rng: Rng): string {
  const options = [ctx.primary, ...ctx.secondary].slice(0, 3);
  for (const alt of ['A budget-friendly alternative', 'A premium alternative'])
    if (options.length < 3) options.push(alt);
  const levels = ['Low', 'Medium', 'High'];
  const rows = options
    .map(
      (o) =>
        `<tr><td>${escapeHtml(capitalise(o))}</td><td>${pick(rng, levels)}</td><td>${pick(rng, levels)}</td>` +
        `<td>${escapeHtml(pick(rng, ['Beginners', 'Most readers', 'Experienced readers', 'Tight budgets']))}</td></tr>`,
    )
    .join('');
  return (
    '<table><thead><tr><th>Option</th><th>Cost</th><th>Effort</th><th>Best for</th></tr></thead>' +
    `<tbody>${rows}</tbody></table>`
  );
}

function shuffled(rng: Rng, n: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
