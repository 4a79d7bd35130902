/**
 * generate_image_prompts: a featured image prompt for the article and in-article prompts spread
 * evenly over the sections (`after_section` is the 0-based index of the section the image follows).
 */
import {
  asArray,
  asString,
  clampInt,
  pick,
  plainQuotes,
  rngFor,
  significantTerms,
  stripTags,
  truncateAtWord,
} from '../text.ts';

export interface ImagePromptsOut {
  featured: { prompt: string; alt: string };
  in_article: { prompt: string; alt: string; after_section: number }[];
}

const STYLES = [
  'editorial photograph, natural light, shallow depth of field',
  'bright lifestyle photograph, soft morning light',
  'overhead flat-lay photograph on a clean neutral surface',
  'close-up detail photograph, crisp focus, warm tones',
  'clean modern illustration, flat colours, subtle shadows',
  'wide establishing shot, golden hour light',
];

export function generateImagePrompts(input: unknown): ImagePromptsOut {
  const obj = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const title = plainQuotes(asString(obj.title).trim()) || 'Article';
  const sections = asArray(obj.sections)
    .map((s) => {
      if (typeof s === 'string') return { h2: s, text: '' };
      const o = (s && typeof s === 'object' ? s : {}) as Record<string, unknown>;
      return {
        h2: plainQuotes(asString(o.h2 ?? o.heading).trim()),
        text: plainQuotes(stripTags(asString(o.text ?? o.html))),
      };
    })
    .filter((s) => s.h2 !== '');
  const n = sections.length;
  const count = clampInt(obj.in_article_count ?? obj.count, 0, n, Math.min(3, n));
  const rng = rngFor('images', title, sections.map((s) => s.h2).join('|'));
  const subjectOf = (s: string) =>
    significantTerms(s)
      .map((t) => t.surface)
      .slice(0, 6)
      .join(' ');

  const titleSubject = subjectOf(title) || title.toLowerCase();
  const featured = {
    prompt:
      `${pick(rng, STYLES)} illustrating ${titleSubject}, hero composition ` +
      `with space for a headline, 16:9, no text, no watermark`,
    alt: truncateAtWord(`Featured image for ${title}`, 125),
  };
  const in_article: ImagePromptsOut['in_article'] = [];
  for (let k = 0; k < count; k++) {
    const idx = Math.min(n - 1, Math.floor(((k + 0.5) * n) / count));
    const s = sections[idx]!;
    const detail = s.text ? `, showing ${truncateAtWord(subjectOf(s.text), 80)}` : '';
    in_article.push({
      prompt:
        `${pick(rng, STYLES)} about ${subjectOf(s.h2) || s.h2.toLowerCase()} ` +
        `in the context of ${titleSubject}${detail}, 4:3, no text, no watermark`,
      alt: truncateAtWord(`${s.h2.replace(/[?!.:]+$/, '')}: illustration for ${title}`, 125),
      after_section: idx,
    });
  }
  return { featured, in_article };
}
