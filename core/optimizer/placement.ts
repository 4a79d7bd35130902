/**
 * Keyword placement: the primary keyword in the title, the first paragraph, an H2 (and in
 * 30–75% of the H2s, Yoast's band: fewer reads as off-topic, more as stuffing), the slug, the meta
 * title and the meta description. Matched on stems, stopwords ignored.
 */
import { check } from './check';
import { type Doc, headings, paragraphs, wholeBlock } from './document';
import { phraseStems } from './language';
import { blockHas, textHas } from './match';
import type { Check, CheckId, DraftMeta } from './types';

const H2_BAND = { min: 0.3, max: 0.75 };
/**
 * Yoast's meta description length: search results show about 156 characters, and under 120
 * leaves room a competitor's snippet will take. A description with the keyword but outside the
 * band earns half.
 */
export const META_DESCRIPTION_CHARS = { min: 120, max: 156 } as const;

export function scorePlacement(doc: Doc, meta: DraftMeta): Check[] {
  const keyword = meta.primaryKeyword.trim();
  const stems = phraseStems(keyword, doc.lang);
  const field = (id: CheckId, max: number, text: string, name: string) =>
    check({
      id,
      category: 'placement',
      max,
      share: textHas(text, stems, doc.lang) ? 1 : 0,
      message: !stems.length
        ? 'Set a primary keyword'
        : !text.trim()
          ? `Write the ${name}, with “${keyword}” in it`
          : textHas(text, stems, doc.lang)
            ? `“${keyword}” is in the ${name}`
            : `Put “${keyword}” in the ${name}`,
    });

  const intro = paragraphs(doc)[0] ?? null;
  const introHas = intro !== null && blockHas(intro, stems);
  const h2s = headings(doc, 2);
  const withKeyword = h2s.filter((h) => blockHas(h, stems));
  const inH3 = headings(doc, 3).some((h) => blockHas(h, stems));
  const share = h2s.length ? withKeyword.length / h2s.length : 0;
  const inBand = share >= H2_BAND.min && share <= H2_BAND.max;
  const percent = Math.round(share * 100);

  return [
    field('placement.title', 3, meta.title, 'title'),
    check({
      id: 'placement.intro',
      category: 'placement',
      max: 3,
      share: introHas ? 1 : 0,
      message: !stems.length
        ? 'Set a primary keyword'
        : !intro
          ? `Write an introduction with “${keyword}” in it`
          : introHas
            ? `“${keyword}” is in the introduction`
            : `Use “${keyword}” in the first paragraph`,
      places: intro && !introHas ? [wholeBlock(intro)] : [],
    }),
    check({
      id: 'placement.h2',
      category: 'placement',
      max: 3,
      share: withKeyword.length ? 1 : inH3 ? 0.5 : 0,
      message: !stems.length
        ? 'Set a primary keyword'
        : withKeyword.length
          ? `“${keyword}” is in an H2`
          : `Use “${keyword}” in an H2${inH3 ? ' (it is only in an H3)' : ''}`,
      places: withKeyword.length ? [] : h2s.map(wholeBlock),
    }),
    check({
      id: 'placement.h2-share',
      category: 'placement',
      max: 2,
      share: inBand ? 1 : share > 0 ? 0.5 : 0,
      message: !stems.length
        ? 'Set a primary keyword'
        : !h2s.length
          ? 'Add H2 subheadings'
          : inBand
            ? `${percent}% of the H2s use “${keyword}”`
            : share > H2_BAND.max
              ? `${percent}% of the H2s use “${keyword}”: vary some (at most 75%)`
              : `${percent}% of the H2s use “${keyword}”: aim for 30–75%`,
      places: share > H2_BAND.max ? withKeyword.map(wholeBlock) : [],
    }),
    field('placement.slug', 1.5, meta.slug, 'slug'),
    field('placement.meta-title', 1.5, meta.metaTitle, 'meta title'),
    metaDescriptionCheck(meta.metaDescription, keyword, stems, doc),
  ];
}

function metaDescriptionCheck(text: string, keyword: string, stems: readonly string[], doc: Doc): Check {
  const has = textHas(text, stems, doc.lang);
  const length = text.trim().length;
  const fits = length >= META_DESCRIPTION_CHARS.min && length <= META_DESCRIPTION_CHARS.max;
  const band = `${META_DESCRIPTION_CHARS.min}–${META_DESCRIPTION_CHARS.max}`;
  return check({
    id: 'placement.meta-description',
    category: 'placement',
    max: 1,
    share: has ? (fits ? 1 : 0.5) : 0,
    message: !stems.length
      ? 'Set a primary keyword'
      : !length
        ? `Write the meta description, with “${keyword}” in it`
        : !has
          ? `Put “${keyword}” in the meta description`
          : fits
            ? `“${keyword}” is in the meta description (${length} characters)`
            : `The meta description has ${length} characters: aim for ${band}`,
  });
}
