/** Shared test helpers: contract schemas (zod), prompt builders and a tiny JSON repair. */
import { z } from 'zod';
import OpenAI from 'openai';

export const clusterSchema = z.strictObject({
  clusters: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(120),
        description: z.string().min(1).max(1000),
        keywords: z.array(z.string()).min(1),
      }),
    )
    .min(1),
});

export const ideasSchema = z.strictObject({
  ideas: z
    .array(
      z.strictObject({
        title: z.string().min(1).max(200),
        description: z.string().min(1).max(2000),
        content_type: z.enum(['post', 'page', 'product', 'taxonomy']),
        content_structure: z.enum(['article', 'guide', 'listicle', 'how-to', 'comparison', 'review']),
        target_keywords: z.array(z.string()).min(1),
        estimated_word_count: z.number().int().min(100).max(20000),
        outline: z
          .array(z.strictObject({ h2: z.string().min(1).max(200), coverage: z.string().min(1).max(1000) }))
          .min(6)
          .max(10),
        cluster: z.string().optional(),
      }),
    )
    .min(1),
});

export const contentSchema = z.strictObject({
  title: z.string().min(1),
  meta_title: z.string().min(1).max(60),
  meta_description: z.string().min(1).max(160),
  primary_keyword: z.string().min(1),
  secondary_keywords: z.array(z.string()),
  tags: z.array(z.string().min(1)).min(1),
  categories: z.array(z.string().min(1)).min(1),
  sections: z.array(z.strictObject({ h2: z.string().min(1), html: z.string().min(1) })).min(1),
});

export const imagePromptsSchema = z.strictObject({
  featured: z.strictObject({ prompt: z.string().min(10), alt: z.string().min(1).max(300) }),
  in_article: z.array(
    z.strictObject({
      prompt: z.string().min(10),
      alt: z.string().min(1).max(300),
      after_section: z.number().int().min(0),
    }),
  ),
});

export const GARDEN_9 = [
  'raised bed garden',
  'raised bed soil',
  'how to build a raised bed',
  'compost bin diy',
  'how to compost at home',
  'compost tea',
  'tomato cages',
  'growing tomatoes in pots',
  'best tomato varieties',
];

export const GARDEN_40 = [
  ...GARDEN_9,
  'raised garden bed kits',
  'cedar raised beds',
  'raised bed height',
  'composting for beginners',
  'worm composting',
  'compost tumbler review',
  'when to plant tomatoes',
  'tomato plant diseases',
  'heirloom tomato seeds',
  'organic pest control',
  'natural pest control for vegetables',
  'aphids on plants',
  'how to get rid of slugs',
  'neem oil for plants',
  'drip irrigation system',
  'garden watering schedule',
  'soaker hose vs drip irrigation',
  'rain barrel setup',
  'how often to water vegetables',
  'companion planting chart',
  'companion plants for tomatoes',
  'what to plant with cucumbers',
  'marigolds companion planting',
  'pruning shears',
  'best garden gloves',
  'garden tool set',
  'wheelbarrow reviews',
  'hori hori knife',
  'garden kneeler',
  'lawn mower',
  'hedge trimmer',
];

/** A prompt in the product's convention: instructions, then the input as the last ```json block. */
export function userPrompt(input: unknown): string {
  return (
    `Follow the instructions. An example of the format (ignore it):\n\`\`\`json\n{"example":true}\n\`\`\`\n` +
    `The input:\n\`\`\`json\n${JSON.stringify(input, null, 2)}\n\`\`\`\nReturn only JSON.`
  );
}

export function jsonSchemaFormat(name: string) {
  return { type: 'json_schema' as const, json_schema: { name, schema: { type: 'object' }, strict: false } };
}

export function client(
  url: string,
  apiKey = 'sk-dev-test',
  extra: Partial<ConstructorParameters<typeof OpenAI>[0]> = {},
): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0, ...extra });
}

/** A request for one AI function with the input block. */
export function fnRequest(name: string, input: unknown) {
  return {
    model: 'igny8-dev-small',
    response_format: jsonSchemaFormat(name),
    messages: [
      { role: 'system' as const, content: `You are an SEO assistant. Answer with JSON for ${name}.` },
      { role: 'user' as const, content: userPrompt(input) },
    ],
  };
}

/** A small repair in the spirit of DESIGN §8: strips wrapping, then parses. Returns undefined if it cannot. */
export function repair(raw: string): unknown {
  let t = raw.replace(/^\uFEFF/, '');
  const fenced = /```(?:json)?\s*\n?([\s\S]*?)```/.exec(t);
  if (fenced) t = fenced[1]!;
  t = t.replace(/[“”]/g, '"');
  const start = t.search(/[{[]/);
  const end = Math.max(t.lastIndexOf('}'), t.lastIndexOf(']'));
  if (start < 0 || end < start) return undefined;
  t = t.slice(start, end + 1);
  t = t.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  t = t.replace(/,\s*([}\]])/g, '$1');
  try {
    return unstring(JSON.parse(t));
  } catch {
    return undefined;
  }
}

function unstring(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unstring);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unstring(x)]));
  if (typeof v === 'string' && /^-?\d{1,3}(,\d{3})*(\.\d+)?$/.test(v)) return Number(v.replace(/,/g, ''));
  return v;
}

export async function devPost(url: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export async function stats(
  url: string,
  apiKey?: string,
): Promise<{ requests: number; by_outcome: Record<string, number>; max_concurrent: number; in_flight: number }> {
  const r = await fetch(`${url}/__dev/stats${apiKey ? `?api_key=${encodeURIComponent(apiKey)}` : ''}`);
  return (await r.json()) as never;
}
