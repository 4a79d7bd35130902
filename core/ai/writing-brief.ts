/**
 * The parts of a prompt that come from the account's settings: who the article is written as
 * (an author profile) and what its sector's strategy requires. Plain text the model reads inside
 * the function's input block, built in one place so the ideas and content prompts say it alike.
 */
import type { StructureTemplate } from '../validation/author-profiles';
import type { SectionLogic } from '../validation/strategies';

export interface AuthorForPrompt {
  name: string;
  description: string;
  tone: string;
  language: string;
  structure_template: unknown;
}

export interface StrategyForPrompt {
  name: string;
  description: string;
  section_logic: unknown;
}

const CLOSINGS = {
  summary: 'close with a short summary',
  cta: 'close with a call to action',
  faq: 'close with an FAQ section',
  none: 'no closing section',
} as const;

/** "Write as: Dr Ada Lane — … Tone: authoritative. Language: en-GB. Structure: …" */
export function writeAsSection(author: AuthorForPrompt): string {
  const t = (author.structure_template ?? {}) as StructureTemplate;
  const structure = [
    t.intro_style ? `intro: ${t.intro_style}` : '',
    t.section_style ? `sections: ${t.section_style}` : '',
    t.use_tables === undefined ? '' : t.use_tables ? 'use tables where they help' : 'no tables',
    t.use_lists === undefined ? '' : t.use_lists ? 'use lists where they help' : 'no lists',
    t.closing ? CLOSINGS[t.closing] : '',
  ].filter(Boolean);
  return [
    `Write as: ${author.name}${author.description ? ` — ${author.description}` : ''}.`,
    `Tone: ${author.tone}.`,
    `Language: ${author.language} (write the whole article in this language).`,
    structure.length ? `Structure: ${structure.join('; ')}.` : '',
    t.notes ? `Notes: ${t.notes}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** The strategy's word range as given (either end may be open). */
export function wordRange(logic: SectionLogic): string {
  const { min_words: min, max_words: max } = logic;
  if (min && max) return `${min}–${max} words`;
  if (min) return `at least ${min} words`;
  if (max) return `at most ${max} words`;
  return '';
}

/** "Strategy: … Required sections: A; B; include an FAQ section; 1200–1800 words." */
export function strategySection(strategy: StrategyForPrompt): string {
  const logic = readLogic(strategy.section_logic);
  const rules = [
    logic.required_sections.length
      ? `Required sections (H2, in this order, among the others): ${logic.required_sections.join('; ')}`
      : '',
    logic.include_faq ? 'include an FAQ section' : '',
    wordRange(logic),
  ].filter(Boolean);
  return [
    `Strategy: ${strategy.name}${strategy.description ? ` — ${strategy.description}` : ''}.`,
    rules.length ? `${rules.join('; ')}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** A stored section_logic read defensively (rows written before a field existed). */
export function readLogic(value: unknown): SectionLogic {
  const v = (value ?? {}) as Partial<SectionLogic>;
  return {
    required_sections: Array.isArray(v.required_sections) ? v.required_sections.map(String) : [],
    include_faq: v.include_faq === true,
    ...(typeof v.min_words === 'number' ? { min_words: v.min_words } : {}),
    ...(typeof v.max_words === 'number' ? { max_words: v.max_words } : {}),
  };
}

/** The task's word target kept inside the strategy's range (the model is given this number). */
export function boundedWordCount(target: number, logic: SectionLogic): number {
  let n = target;
  if (logic.min_words) n = Math.max(n, logic.min_words);
  if (logic.max_words) n = Math.min(n, logic.max_words);
  return n;
}

/**
 * The outline the model is asked to follow, with the strategy's required sections (and its FAQ)
 * appended when the outline lacks them, so "follow the outline exactly" and the strategy agree.
 */
export function outlineWithRequired<T extends { h2: string }>(
  outline: T[],
  logic: SectionLogic,
  make: (h2: string) => T,
): T[] {
  const has = (h2: string) => outline.some((s) => s.h2.trim().toLowerCase() === h2.trim().toLowerCase());
  const extra = logic.required_sections.filter((h) => !has(h)).map(make);
  const faq =
    logic.include_faq &&
    !outline.some((s) => /\bfaq|frequently asked/i.test(s.h2)) &&
    !extra.some((s) => /faq/i.test(s.h2))
      ? [make('Frequently Asked Questions')]
      : [];
  return [...outline, ...extra, ...faq];
}
