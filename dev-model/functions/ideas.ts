/**
 * generate_ideas: 3–7 content ideas per cluster, each with a structure-specific title, 6–10 H2
 * outline sections and target keywords taken from the cluster. Deterministic per cluster.
 */
import {
  asArray,
  asString,
  capitalise,
  clampInt,
  intBetween,
  keywordString,
  listJoin,
  plainQuotes,
  rngFor,
  significantTerms,
  titleCase,
  type Rng,
} from '../text.ts';

export const STRUCTURES = ['article', 'guide', 'listicle', 'how-to', 'comparison', 'review'] as const;
export type Structure = (typeof STRUCTURES)[number];
export type ContentType = 'post' | 'page' | 'product' | 'taxonomy';

export interface Idea {
  title: string;
  description: string;
  content_type: ContentType;
  content_structure: Structure;
  target_keywords: string[];
  estimated_word_count: number;
  outline: { h2: string; coverage: string }[];
  cluster?: string;
}

interface ClusterIn {
  name: string;
  description: string;
  keywords: string[];
}

const ORDER: Structure[] = ['guide', 'how-to', 'listicle', 'comparison', 'review', 'article'];

const WORDS: Record<Structure, [number, number]> = {
  guide: [2200, 3000],
  'how-to': [1200, 1800],
  listicle: [1500, 2200],
  comparison: [1400, 2000],
  review: [1300, 1900],
  article: [1000, 1600],
};

export function generateIdeas(input: unknown): { ideas: Idea[] } {
  const obj = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  let rawClusters = asArray(obj.clusters);
  if (rawClusters.length === 0 && (obj.name || obj.keywords)) rawClusters = [obj];
  const perCluster = clampInt(obj.ideas_per_cluster ?? obj.ideas_count ?? obj.count, 3, 7, 3);

  const ideas: Idea[] = [];
  for (const raw of rawClusters) {
    const c = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const keywords = asArray(c.keywords)
      .map(keywordString)
      .filter((k): k is string => !!k && k.trim() !== '');
    const name = plainQuotes(asString(c.name).trim()) || (keywords[0] ? titleCase(keywords[0]) : 'General Topics');
    ideas.push(...ideasForCluster({ name, description: asString(c.description), keywords }, perCluster));
  }
  return { ideas };
}

function ideasForCluster(cluster: ClusterIn, count: number): Idea[] {
  const rng = rngFor('ideas', cluster.name, cluster.keywords.join('|'));
  const topic = cluster.name;
  const kws = cluster.keywords.length ? cluster.keywords : [topic.toLowerCase()];
  const start = Math.floor(rng() * ORDER.length);
  const structures: Structure[] = [];
  for (let i = 0; i < count; i++) structures.push(ORDER[(start + i) % ORDER.length]!);
  // A how-to keyword deserves a how-to idea.
  if (kws.some((k) => /^\s*how\s+to\b/i.test(k)) && !structures.includes('how-to'))
    structures[structures.length - 1] = 'how-to';

  const titles = new Set<string>();
  const out: Idea[] = [];
  structures.forEach((structure, i) => {
    const variant = Math.floor(i / ORDER.length) + intBetween(rng, 0, 2);
    const targets = targetKeywords(kws, structure, i);
    let title = makeTitle(structure, topic, targets, kws, rng, variant);
    for (let v = variant + 1; titles.has(title.toLowerCase()) && v < variant + 6; v++)
      title = makeTitle(structure, topic, targets, kws, rng, v);
    if (titles.has(title.toLowerCase())) title = `${title}: Part ${i + 1}`;
    titles.add(title.toLowerCase());
    const [lo, hi] = WORDS[structure];
    const words = Math.round(intBetween(rng, lo, hi) / 100) * 100;
    out.push({
      title,
      description: describeIdea(structure, nounPhrase(topic), targets),
      content_type: contentType(structure, kws, i, rng),
      content_structure: structure,
      target_keywords: targets,
      estimated_word_count: words,
      outline: makeOutline(structure, nounPhrase(topic), targets, kws, rng),
      cluster: topic,
    });
  });
  return out;
}

/** A primary keyword suited to the structure, plus up to three others, rotated per idea. */
function targetKeywords(kws: string[], structure: Structure, i: number): string[] {
  const prefer: Record<Structure, RegExp> = {
    'how-to': /^\s*how\s+to\b|\b(diy|build|make|grow|set ?up|install)\b/i,
    listicle: /\b(best|top|ideas|tips|types|varieties)\b/i,
    comparison: /\b(vs|versus|or|compare|comparison|difference)\b/i,
    review: /\b(review|reviews|best|top|buy|price)\b/i,
    guide: /\b(guide|beginners?|complete|what is)\b/i,
    article: /\b(why|what|when)\b/i,
  };
  const rotated = kws.map((_, j) => kws[(i + j) % kws.length]!);
  const primary = rotated.find((k) => prefer[structure].test(k)) ?? rotated[0]!;
  const rest = rotated.filter((k) => k !== primary).slice(0, 3);
  return [primary, ...rest];
}

function topicPhrase(kw: string): string {
  return titleCase(plainQuotes(kw.trim()));
}

function makeTitle(
  structure: Structure,
  topic: string,
  targets: string[],
  kws: string[],
  rng: Rng,
  variant: number,
): string {
  // "10 Best Best Tomato Varieties" → "10 Best Tomato Varieties"
  return rawTitle(structure, topic, targets, kws, rng, variant).replace(/\b(\w+)(\s+\1\b)+/gi, '$1');
}

/** A heading-friendly noun phrase: leading intent words dropped ("Best Tomato Varieties" → "Tomato Varieties"). */
function nounPhrase(s: string): string {
  const t = s
    .trim()
    .replace(/^((best|top|cheap|cheapest|good|great|easy|simple|diy|free|the|a|an|\d+)\s+)+/i, '')
    .trim();
  return t || s.trim();
}

/** Questions ("when to plant tomatoes") make poor nouns in templates. */
function isQuestion(s: string): boolean {
  return /^\s*(how|when|what|why|where|which|who|can|do|does|is|are|should)\b/i.test(s);
}

function rawTitle(
  structure: Structure,
  topic: string,
  targets: string[],
  kws: string[],
  rng: Rng,
  variant: number,
): string {
  const T = nounPhrase(topic);
  const nounKw = targets.find((k) => !isQuestion(k));
  const K = nounKw ? topicPhrase(nounPhrase(nounKw)) : T;
  const n = 5 + ((variant * 3 + Math.floor(rng() * 11)) % 11);
  const v = variant % 3;
  switch (structure) {
    case 'guide':
      return [
        `The Complete Guide to ${T}`,
        `${T} for Beginners: A Step-by-Step Guide`,
        `${T} Explained: A Practical Guide to ${K}`,
      ][v]!;
    case 'how-to': {
      const howTo = kws.find((k) => /^\s*how\s+to\b/i.test(k));
      if (howTo && v === 0) return topicPhrase(howTo);
      return [`How to Get Started with ${T}`, `How to Choose the Right ${K}`, `How to Get Better Results from ${T}`][
        v
      ]!;
    }
    case 'listicle':
      return [
        `${n} Best ${T} Ideas to Try`,
        `${n} ${T} Tips Every Beginner Should Know`,
        `${n} Common ${T} Mistakes and How to Avoid Them`,
      ][v]!;
    case 'comparison': {
      const [x, y] = contrastingPair(kws);
      if (x && y && v !== 2) {
        const [X, Y] = [topicPhrase(nounPhrase(x)), topicPhrase(nounPhrase(y))];
        return v === 0 ? `${X} vs ${Y}: Which Is Better?` : `${X} vs ${Y}: Key Differences Explained`;
      }
      return `${T} Options Compared: Pros, Cons and Costs`;
    }
    case 'review':
      return [`${T} Reviewed: What Actually Works`, `An Honest Review of ${K}`, `${K} Review: Is It Worth It?`][v]!;
    case 'article':
    default:
      return [
        `Why ${T} Matters More Than You Think`,
        `${K}: Everything You Need to Know`,
        `What Nobody Tells You About ${T}`,
      ][v]!;
  }
}

/** The two keywords that differ most (fewest shared terms), for "X vs Y" titles. */
function contrastingPair(kws: string[]): [string | undefined, string | undefined] {
  kws = kws.filter((k) => !isQuestion(k));
  if (kws.length < 2) return [undefined, undefined];
  let best: [string, string] = [kws[0]!, kws[1]!];
  let bestOverlap = Infinity;
  for (let i = 0; i < Math.min(kws.length, 12); i++) {
    for (let j = i + 1; j < Math.min(kws.length, 12); j++) {
      const a = new Set(significantTerms(kws[i]!).map((t) => t.stem));
      const b = significantTerms(kws[j]!).map((t) => t.stem);
      const overlap = b.filter((s) => a.has(s)).length / Math.max(1, a.size + b.length);
      if (overlap < bestOverlap) {
        bestOverlap = overlap;
        best = [kws[i]!, kws[j]!];
      }
    }
  }
  return best;
}

function contentType(structure: Structure, kws: string[], i: number, rng: Rng): ContentType {
  if (i === 4) return 'taxonomy';
  if (structure === 'review' && kws.some((k) => /\b(buy|price|review|best)\b/i.test(k))) return 'product';
  if (structure === 'guide' && rng() < 0.5) return 'page';
  return 'post';
}

const STRUCTURE_LABEL: Record<Structure, string> = {
  guide: 'comprehensive guide',
  'how-to': 'step-by-step how-to',
  listicle: 'scannable list post',
  comparison: 'side-by-side comparison',
  review: 'hands-on review',
  article: 'in-depth article',
};

function describeIdea(structure: Structure, topic: string, targets: string[]): string {
  const others = targets.slice(1, 3).map((k) => `'${plainQuotes(k)}'`);
  const covering = others.length ? `, also covering ${listJoin(others)}` : '';
  return (
    `A ${STRUCTURE_LABEL[structure]} on ${topic.toLowerCase()} that ` +
    `targets '${plainQuotes(targets[0]!)}'${covering}, written for readers ` +
    `who want clear, practical answers.`
  );
}

type Section = { h2: string; coverage: string };

function makeOutline(structure: Structure, topic: string, targets: string[], kws: string[], rng: Rng): Section[] {
  const t = topic.toLowerCase();
  const T = topic;
  const K = targets[0]!;
  const kwSections: Section[] = targets.slice(1, 4).map((k) => ({
    h2: topicPhrase(k),
    coverage: `Explain ${plainQuotes(k)} and how it relates to ${t}, with one concrete example.`,
  }));
  const pools: Record<Structure, Section[]> = {
    guide: [
      { h2: `What Is ${T}?`, coverage: `Define ${t} in plain language and say who it is for.` },
      { h2: `Why ${T} Matters`, coverage: `Give the main benefits of ${t} and the problems it solves.` },
      { h2: `Getting Started with ${T}`, coverage: `List what a beginner needs first, including ${K}.` },
      { h2: `Planning Your Approach`, coverage: `Walk through the decisions to make before starting with ${t}.` },
      { h2: `Common Mistakes to Avoid`, coverage: `Describe frequent mistakes with ${t} and how to prevent them.` },
      { h2: `Costs and Budget`, coverage: `Break down typical costs of ${t} and where to save.` },
      { h2: `Advanced Tips`, coverage: `Share tips for readers who already know the basics of ${t}.` },
      { h2: `Frequently Asked Questions`, coverage: `Answer the most common questions about ${K}.` },
    ],
    'how-to': [
      { h2: `What You Need Before You Start`, coverage: `List tools, materials and time needed for ${t}.` },
      { h2: `Step 1: Plan and Prepare`, coverage: `Explain how to plan the work and prepare for ${K}.` },
      { h2: `Step 2: Set Up the Basics`, coverage: `Describe the first practical steps in order.` },
      { h2: `Step 3: Do the Main Work`, coverage: `Cover the core procedure for ${t} in detail.` },
      { h2: `Step 4: Check and Adjust`, coverage: `Explain how to check results and fix common issues.` },
      { h2: `Troubleshooting ${T} Problems`, coverage: `Give causes and fixes for typical ${t} problems.` },
      { h2: `Tips for Better Results`, coverage: `Share practical tips that improve ${t} outcomes.` },
    ],
    listicle: [
      { h2: `How We Chose These ${T} Picks`, coverage: `Explain the criteria used to select the items on this list.` },
      { h2: `Quick Picks at a Glance`, coverage: `Summarise the top choices for ${K} in a short list.` },
      { h2: `Budget-Friendly Options`, coverage: `Cover low-cost ${t} options and their trade-offs.` },
      { h2: `Options for Beginners`, coverage: `Highlight the easiest ${t} choices for newcomers.` },
      { h2: `Options for Experienced Readers`, coverage: `Highlight advanced ${t} choices and why they stand out.` },
      { h2: `What to Avoid`, coverage: `Warn about ${t} choices that rarely work well.` },
      { h2: `How to Pick the Right One`, coverage: `Give a simple decision checklist for ${K}.` },
    ],
    comparison: [
      { h2: `The Short Answer`, coverage: `State which option suits which reader, in two or three sentences.` },
      { h2: `How the Options Differ`, coverage: `Compare the main options for ${t} on cost, effort and results.` },
      { h2: `Side-by-Side Comparison Table`, coverage: `Present the key differences of ${K} in a table.` },
      { h2: `When to Choose the First Option`, coverage: `Describe the situations where the first option wins.` },
      { h2: `When to Choose the Second Option`, coverage: `Describe the situations where the second option wins.` },
      { h2: `Costs Compared`, coverage: `Compare upfront and ongoing costs for ${t}.` },
      { h2: `Our Verdict`, coverage: `Give a clear recommendation for ${K}.` },
    ],
    review: [
      { h2: `Our Verdict in Brief`, coverage: `Summarise the verdict on ${K} in a few sentences.` },
      { h2: `How We Tested`, coverage: `Explain how ${t} was evaluated and over what period.` },
      { h2: `What We Liked`, coverage: `List the strongest points of ${K}.` },
      { h2: `What Could Be Better`, coverage: `List the weaknesses and who they matter to.` },
      { h2: `Price and Value`, coverage: `Discuss price, value for money and alternatives.` },
      { h2: `Alternatives Worth Considering`, coverage: `Name alternatives to ${K} and when to pick them.` },
      { h2: `Who Should Buy It`, coverage: `Describe the reader who benefits most from ${t}.` },
    ],
    article: [
      { h2: `The Basics of ${T}`, coverage: `Introduce ${t} and why readers search for ${K}.` },
      { h2: `What the Evidence Says`, coverage: `Summarise what experience and data say about ${t}.` },
      { h2: `Benefits and Drawbacks`, coverage: `Weigh the pros and cons of ${t} honestly.` },
      { h2: `Real-World Examples`, coverage: `Give two or three examples of ${t} done well.` },
      { h2: `Common Myths`, coverage: `Correct popular misconceptions about ${t}.` },
      { h2: `Practical Next Steps`, coverage: `Tell readers what to do next with ${K}.` },
    ],
  };
  const intro: Section = {
    h2: `Introduction to ${T}`,
    coverage: `Open with the reader's problem and promise what the article delivers about ${plainQuotes(K)}.`,
  };
  const closing: Section = {
    h2: `Final Thoughts on ${T}`,
    coverage: `Recap the key points about ${t} and end with a clear next step.`,
  };
  const total = intBetween(rng, 6, 10);
  const pool = pools[structure];
  const body: Section[] = [];
  // Interleave structure sections with keyword sections so every target keyword gets a heading.
  let pi = 0;
  let ki = 0;
  while (body.length < total - 2 && (pi < pool.length || ki < kwSections.length)) {
    if (pi < pool.length) body.push(pool[pi++]!);
    if (body.length < total - 2 && ki < kwSections.length && (pi % 2 === 0 || pi >= pool.length))
      body.push(kwSections[ki++]!);
  }
  const sections = [intro, ...body, closing];
  // Unique headings (a keyword heading could repeat a pool heading).
  const seen = new Set<string>();
  const unique = sections.filter((s) => {
    const key = s.h2.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  while (unique.length < 6)
    unique.splice(unique.length - 1, 0, {
      h2: `${capitalise(t)}: Questions Readers Ask ${unique.length}`,
      coverage: `Answer a common question about ${t}.`,
    });
  return unique.slice(0, 10);
}
