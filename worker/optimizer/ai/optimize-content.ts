/**
 * `optimize_content`: the Optimizer's AI fixes (issue 11, scope item 4) as coordinator jobs. One AI
 * call per article and action: rewrite the intro with the primary keyword, write the first missing
 * outline section, split the long paragraphs, write the meta description. The targets come from
 * the draft room, which reads them with the scorer's own checks (durable-objects/draft-room/fixes.ts);
 * the reply goes into the shared draft as one targeted change after a "Before AI fix" version.
 *
 * A fix whose target an editor changed meanwhile is not applied and not charged (`stale`); nor is
 * one the room could not back up first (`version_limit`). Only applied fixes are charged.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { META_DESCRIPTION_CHARS } from '../../../core/optimizer';
import { z } from 'zod';
import { articleSection } from '../../../core/ai/article-body';
import { optimizeReply } from '../../../core/ai/contracts';
import { cap } from '../../../core/ai/plain-text';
import { htmlToText } from '../../../core/html/sanitize';
import { langOf } from '../../../core/optimizer';
import { phraseStems } from '../../../core/optimizer/language';
import { textHas } from '../../../core/optimizer/match';
import { content } from '../../../core/schema/shard';
import { MAX_OPTIMIZE_BATCH, OPTIMIZE_ACTIONS, type OptimizeAction } from '../../../core/validation/optimizer';
import { draftRoomOf } from '../../../durable-objects/draft-room/client';
import type { FixChange, FixOutcome, FixTarget } from '../../../durable-objects/draft-room/fixes';
import {
  type AiFunctionDefinition,
  type FunctionContext,
  InvalidJobInput,
  InvalidReply,
} from '../../../durable-objects/site-coordinator/engine/ai-function';
import { loadBrief } from '../brief';
import { plural } from '../../../core/lib/plural';

/** Credits per applied fix (the writer charges 3 for a whole article): a section is a small article. */
export const CREDITS_PER_ACTION: Record<OptimizeAction, number> = {
  intro: 1,
  outline_section: 2,
  split_paragraphs: 1,
  meta_description: 1,
};
/** What the model aims at when it splits (the scorer flags paragraphs over 150 words). */
export const SPLIT_TARGET_WORDS = 90;
/** The scorer's band (core/optimizer placement): what the written description must fit. */
export { META_DESCRIPTION_CHARS };

export const optimizeInput = z.object({
  content_ids: z.array(z.number().int().positive()).min(1).max(MAX_OPTIMIZE_BATCH),
  actions: z.array(z.enum(OPTIMIZE_ACTIONS)).min(1),
});
type Input = z.output<typeof optimizeInput>;

type Meta = { content_id: number; action: OptimizeAction; language: string; target: FixTarget };
export type Parsed = {
  content_id: number;
  action: OptimizeAction;
  change: FixChange;
  /** Set by the sink once the room answered (the engine stores the unit after finish()). */
  outcome: FixOutcome | null;
  version_id: string | null;
};

/** Credits held for a selection: every action on every article (only applied fixes are charged). */
export const optimizeCost = ({ content_ids, actions }: Input) =>
  new Set(content_ids).size * [...new Set(actions)].reduce((n, a) => n + CREDITS_PER_ACTION[a], 0);

/** What the model is asked, per action: the target's text and what the fix must achieve. */
function modelInput(target: FixTarget, language: string) {
  const common = { action: target.action, primary_keyword: target.keyword, language };
  switch (target.action) {
    case 'intro':
      return { ...common, title: target.title, paragraph: target.paragraph.text };
    case 'split_paragraphs':
      return { ...common, max_words: SPLIT_TARGET_WORDS, paragraphs: target.paragraphs.map((p) => p.text) };
    case 'outline_section':
      return { ...common, title: target.title, h2: target.section.h2, coverage: target.section.coverage };
    case 'meta_description':
      return {
        ...common,
        title: target.title,
        intro: cap(target.intro, 1000),
        current: target.current,
        min_chars: META_DESCRIPTION_CHARS.min,
        max_chars: META_DESCRIPTION_CHARS.max,
      };
  }
}

/** A reply's text field as plain text (a model may wrap it in <p> or Markdown emphasis). */
const plain = (value: string) =>
  htmlToText(value)
    .replace(/[*_`]{1,3}/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/** At most `max` characters, cut after a whole word, ending as a sentence. */
function fitDescription(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const at = cut.lastIndexOf(' ');
  return `${(at > 0 ? cut.slice(0, at) : cut).replace(/[\s,;:–-]+$/, '')}.`;
}

/** Reads one reply against the target it was asked about; anything that doesn't fit is an InvalidReply. */
export function parseFix(reply: unknown, meta: Meta): FixChange {
  // Tolerated shapes: a bare section ({h2, html}) or a bare string list for a split's one paragraph.
  const raw = (reply && typeof reply === 'object' ? reply : {}) as Record<string, unknown>;
  const shaped =
    meta.action === 'outline_section' && !raw.sections && typeof raw.h2 === 'string'
      ? { ...raw, sections: [{ h2: raw.h2, html: raw.html ?? raw.body ?? '' }] }
      : raw;
  const result = optimizeReply.safeParse(shaped);
  if (!result.success) throw new InvalidReply(`the reply does not have the shape of a fix (${result.error.message})`);
  const value = result.data;
  const { target } = meta;
  const lang = langOf(meta.language);
  const hasKeyword = (text: string) => textHas(text, phraseStems(target.keyword, lang), lang);
  switch (target.action) {
    case 'intro': {
      const text = plain(value.paragraph ?? '');
      if (!text) throw new InvalidReply('the intro rewrite is empty');
      if (!hasKeyword(text)) throw new InvalidReply(`the intro rewrite does not use “${target.keyword}”`);
      return { action: 'intro', paragraph: target.paragraph, text };
    }
    case 'outline_section': {
      const first = value.sections?.[0];
      const section = first ? articleSection(first.h2, first.html) : null;
      if (!section?.html || !htmlToText(section.html).trim()) throw new InvalidReply('the section has no text');
      // The outline's heading, whatever the model called it: the score matches sections by it.
      return { action: 'outline_section', before: target.before, h2: target.section.h2, html: section.html };
    }
    case 'split_paragraphs': {
      const splits = (value.splits ?? [])
        .filter((s) => s.index < target.paragraphs.length)
        .map((s) => ({ paragraph: target.paragraphs[s.index]!, parts: s.paragraphs.map(plain).filter(Boolean) }))
        .filter((s) => s.parts.length >= 2);
      if (!splits.length) throw new InvalidReply('no long paragraph was split into two or more');
      return { action: 'split_paragraphs', splits };
    }
    case 'meta_description': {
      const text = fitDescription(plain(value.meta_description ?? ''), META_DESCRIPTION_CHARS.max);
      if (text.length < META_DESCRIPTION_CHARS.min)
        throw new InvalidReply(`the meta description has ${text.length} characters (${META_DESCRIPTION_CHARS.min}+)`);
      if (!hasKeyword(text)) throw new InvalidReply(`the meta description does not use “${target.keyword}”`);
      return { action: 'meta_description', current: target.current, text };
    }
  }
}

/** Drafts asked for their targets at once while a job prepares (each reads its brief, then its room). */
const ROOMS_AT_ONCE = 6;

/** What each action would fix in one article's draft now, scored against its brief (null: no such article). */
async function targetsOf(ctx: FunctionContext, contentId: number, actions: OptimizeAction[]) {
  const loaded = await loadBrief(ctx.db, ctx.accountId, contentId);
  if (!loaded) return null;
  // Link validation is not part of any fix: the site's pages stay out of the call.
  const brief = { ...loaded.editor, pages: [] };
  const targets = await draftRoomOf(ctx.env, ctx.accountId, contentId).fixTargets(brief, actions);
  return { language: brief.language, targets };
}

export const optimizeContent: AiFunctionDefinition<Input, Meta, Parsed> = {
  name: 'optimize_content',
  promptType: 'content_optimization',
  unitPlural: 'fixes',
  input: optimizeInput,
  reserve: optimizeCost,

  async prepare(ctx, { content_ids, actions }) {
    const rows = await ctx.db
      .select({ id: content.id })
      .from(content)
      .where(
        and(
          eq(content.account_id, ctx.accountId),
          eq(content.site_id, ctx.siteId),
          inArray(content.id, [...new Set(content_ids)]),
        ),
      )
      .all();
    if (!rows.length) throw new InvalidJobInput('None of the selected articles exist any more.');
    const batches: { index: number; input: unknown; meta: Meta }[] = [];
    const unique = [...new Set(actions)];
    for (let at = 0; at < rows.length; at += ROOMS_AT_ONCE) {
      const part = rows.slice(at, at + ROOMS_AT_ONCE);
      const read = await Promise.all(part.map(({ id }) => targetsOf(ctx, id, unique)));
      for (const [i, found] of read.entries()) {
        if (!found) continue;
        for (const { action, target } of found.targets) {
          if (!target) continue;
          const meta = { content_id: part[i]!.id, action, language: found.language, target };
          batches.push({ index: batches.length, input: modelInput(target, found.language), meta });
        }
      }
    }
    // The engine needs at least one call; a job with nothing to do ends here, uncharged.
    if (!batches.length) throw new InvalidJobInput('Nothing to fix: the selected checks already pass.');
    const n = batches.length;
    return { batches, summary: `Applying ${plural(n, 'AI fix', 'AI fixes')} to ${plural(rows.length, 'article')}` };
  },

  parse(reply, batch) {
    const { content_id, action } = batch.meta;
    return { content_id, action, change: parseFix(reply, batch.meta), outcome: null, version_id: null };
  },

  /**
   * The change lands in the shared draft in one transaction every editor receives; nothing streams
   * before the reply is read (a half-written rewrite of a paragraph someone is reading is noise).
   * The room's answer is recorded on the unit, so save() charges applied fixes only.
   */
  sink(env, ctx, batch) {
    const room = draftRoomOf(env, ctx.accountId, batch.meta.content_id);
    return {
      begin: async () => undefined,
      section: async () => undefined,
      finish: async (parsed) => {
        const result = await room.applyFix({
          key: `${ctx.jobId}#${batch.index}`,
          user_id: ctx.userId,
          change: parsed.change,
        });
        parsed.outcome = result.outcome;
        parsed.version_id = result.version?.id ?? null;
      },
      // An applied fix is kept: editors may already be typing around it, and its version is the way back.
      abort: async () => undefined,
    };
  },

  save(_ctx, _prepared, parsed) {
    const applied = parsed.filter((p) => p.outcome === 'applied');
    return {
      // The draft room wrote the drafts (and their scores) when each fix was applied.
      statements: [],
      charge: applied.reduce((n, p) => n + CREDITS_PER_ACTION[p.action], 0),
      changed: ['content'],
      result: {
        applied: applied.length,
        skipped: parsed.length - applied.length,
        stale: parsed.filter((p) => p.outcome === 'stale').length,
        version_limit: parsed.filter((p) => p.outcome === 'version_limit').length,
        content_ids: [...new Set(parsed.map((p) => p.content_id))],
        fixes: parsed.map((p) => ({
          content_id: p.content_id,
          action: p.action,
          outcome: p.outcome,
          version_id: p.version_id,
        })),
      },
    };
  },
};
