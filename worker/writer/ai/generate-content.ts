import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  articleHtml as joinSections,
  articleSection,
  sameSections,
  type ArticleSection,
} from '../../../core/ai/article-body';
import { DocumentArticle, readArticleReply } from '../../../core/ai/article-reply';
import type { contentReply } from '../../../core/ai/contracts';
import { normalizeContentReply } from '../../../core/ai/normalize-reply';
import { cap, plainText } from '../../../core/ai/plain-text';
import { normalizeKeyword } from '../../../core/domain/normalize';
import { htmlToText } from '../../../core/html/sanitize';
import {
  boundedWordCount,
  outlineWithRequired,
  readLogic,
  strategySection,
  writeAsSection,
} from '../../../core/ai/writing-brief';
import { content, contentIdeas, sites, tasks, type OutlineSection } from '../../../core/schema/shard';
import { resolveAuthorProfiles, type AuthorSource } from '../author-profiles-service';
import { activeStrategiesBySector } from '../strategies-service';
import { draftRoomOf } from '../../../durable-objects/draft-room/client';
import { runBatch, withinParamLimit, type Statement } from '../../db/batch';
import {
  InvalidJobInput,
  InvalidReply,
  type AiFunctionDefinition,
} from '../../../durable-objects/site-coordinator/engine/ai-function';

/** Seed limits: 3 credits per piece; at most 50 tasks per job (bigger selections become several jobs). */
export const CREDITS_PER_PIECE = 3;
export const MAX_TASKS_PER_JOB = 50;

type Meta = {
  task_id: number;
  content_id: number;
  sector_id: number;
  title: string;
  outline: string[];
  /** Which author profile wrote it and where the choice came from (recorded in the job's result). */
  author?: { profile_id: number | null; name: string | null; source: AuthorSource };
  strategy_id?: number | null;
};
type Parsed = z.output<typeof contentReply> & {
  task_id: number;
  content_id: number;
  html: string;
  word_count: number;
  follows_outline: boolean;
};

const input = z.object({ task_ids: z.array(z.number().int().positive()).min(1).max(MAX_TASKS_PER_JOB) });

/** The article's HTML: each section under its H2, sanitized (DESIGN §7: before it is stored or published). */
export function articleHtml(sections: ArticleSection[]) {
  return joinSections(sections);
}

/** The first paragraph's text, as the meta description of an article that came without one. */
function firstParagraph(sections: ArticleSection[]): string {
  for (const s of sections) {
    const text = htmlToText(s.html);
    if (text) return cap(text, 160);
  }
  return '';
}

/** Whether the sections follow the outline's H2s in order (each outline heading found, in order). */
function followsOutline(outline: string[], sections: { h2: string }[]) {
  let at = 0;
  const heads = sections.map((s) => normalizeKeyword(s.h2));
  for (const h of outline.map(normalizeKeyword)) {
    const found = heads.indexOf(h, at);
    if (found < 0) return false;
    at = found + 1;
  }
  return true;
}

export const generateContent: AiFunctionDefinition<z.output<typeof input>, Meta, Parsed> = {
  name: 'generate_content',
  promptType: 'content_generation',
  unitPlural: 'articles',
  input,
  callTimeoutMs: 180_000,
  reserve: ({ task_ids }) => new Set(task_ids).size * CREDITS_PER_PIECE,

  async prepare(ctx, { task_ids }) {
    const a = ctx.accountId;
    const rows = await ctx.db
      .select({
        task: tasks,
        outline: contentIdeas.outline,
        idea_author: contentIdeas.author_profile_id,
        site_author: sites.default_author_profile_id,
      })
      .from(tasks)
      .leftJoin(contentIdeas, and(eq(contentIdeas.account_id, tasks.account_id), eq(contentIdeas.id, tasks.idea_id)))
      .leftJoin(sites, and(eq(sites.account_id, tasks.account_id), eq(sites.id, tasks.site_id)))
      .where(and(eq(tasks.account_id, a), eq(tasks.site_id, ctx.siteId), inArray(tasks.id, [...new Set(task_ids)])))
      .all();
    if (!rows.length) throw new InvalidJobInput('None of the selected tasks exist any more.');
    // Who writes each article (task → idea → site default → none) and its sector's strategy.
    const authors = await resolveAuthorProfiles(
      ctx.db,
      a,
      rows.map((r) => ({ task: r.task.author_profile_id, idea: r.idea_author, site: r.site_author })),
    );
    const strategyOf = await activeStrategiesBySector(
      ctx.db,
      a,
      rows.map((r) => r.task.sector_id),
      'content_generation',
    );
    // The drafts exist before the AI writes, so editors can open them and watch the article arrive.
    await runBatch(
      ctx.db,
      withinParamLimit(rows, (part) =>
        ctx.db
          .insert(content)
          .values(
            part.map(({ task }) => ({
              account_id: a,
              site_id: task.site_id,
              sector_id: task.sector_id,
              task_id: task.id,
              cluster_id: task.cluster_id,
              title: task.title,
              // The draft's meta map starts from these (the room seeds it from the row on first open).
              primary_keyword: task.target_keywords[0] ?? '',
              secondary_keywords: task.target_keywords.slice(1, 21),
              source: 'ai' as const,
              status: 'draft' as const,
            })),
          )
          .onConflictDoNothing(),
      ),
    );
    const drafts = await ctx.db
      .select({ id: content.id, task_id: content.task_id })
      .from(content)
      .where(
        and(
          eq(content.account_id, a),
          inArray(
            content.task_id,
            rows.map((r) => r.task.id),
          ),
        ),
      )
      .all();
    await ctx.db
      .update(tasks)
      .set({ status: 'in_progress' })
      .where(
        and(
          eq(tasks.account_id, a),
          inArray(
            tasks.id,
            rows.map((r) => r.task.id),
          ),
        ),
      );
    const batches = rows.map(({ task, outline }, index) => {
      const { profile, source } = authors[index]!;
      const strategy = strategyOf.get(task.sector_id);
      const logic = readLogic(strategy?.section_logic);
      const given = (outline ?? []) as OutlineSection[];
      // An outline to follow "exactly" must hold the strategy's required sections too.
      const sections = given.length ? outlineWithRequired(given, logic, (h2) => ({ h2, coverage: '' })) : given;
      const [primary, ...secondary] = task.target_keywords.length ? task.target_keywords : [task.title];
      return {
        index,
        input: {
          title: task.title,
          outline: sections,
          primary_keyword: primary,
          secondary_keywords: secondary,
          tone: profile?.tone ?? 'professional',
          language: profile?.language ?? 'en',
          word_count: boundedWordCount(task.word_count_target, logic),
          structure: task.content_structure,
          ...(profile ? { write_as: writeAsSection(profile) } : {}),
          ...(strategy ? { strategy: strategySection(strategy) } : {}),
        },
        meta: {
          task_id: task.id,
          content_id: drafts.find((d) => d.task_id === task.id)!.id,
          sector_id: task.sector_id,
          title: task.title,
          outline: sections.map((s) => s.h2),
          author: { profile_id: profile?.id ?? null, name: profile?.name ?? null, source },
          strategy_id: strategy?.id ?? null,
        },
      };
    });
    return {
      batches,
      summary: `Writing ${rows.length} article${rows.length === 1 ? '' : 's'}`,
      changed: ['tasks', 'content'],
    };
  },

  /** A failed or cancelled job hands its tasks back to the queue (their drafts keep what editors wrote). */
  abandon(ctx, { task_ids }) {
    return {
      statements: [
        sql`UPDATE tasks SET status = 'queued', updated_at = ${Date.now()}
            WHERE account_id = ${ctx.accountId} AND status = 'in_progress'
              AND id IN (SELECT value FROM json_each(${JSON.stringify(task_ids)}))`,
      ],
      changed: ['tasks'],
    };
  },

  /**
   * The article streams into the draft everyone may have open, section by section, each read by
   * the same articleSection() as the final parse; finish() then makes the draft hold exactly the
   * parsed article (replacing what streamed when the two differ: a Markdown or HTML document, a
   * section the stream could not read), so what editors see is what is saved and charged.
   */
  sink(env, ctx, batch) {
    const room = draftRoomOf(env, ctx.accountId, batch.meta.content_id);
    const savedHtml = async () =>
      (
        await ctx.db
          .select({ html: content.html_content })
          .from(content)
          .where(and(eq(content.account_id, ctx.accountId), eq(content.id, batch.meta.content_id)))
          .get()
      )?.html ?? '';
    // What the draft held before this attempt (finish() saves the article before the unit is
    // charged, so the row is no longer the way back by then).
    let before: string | null = null;
    let begun = false;
    const streamed: ArticleSection[] = [];
    return {
      begin: async () => {
        // A begin restarts the output (jobs run at least once): nothing of an earlier begin counts.
        begun = false;
        streamed.length = 0;
        before = await savedHtml();
        const total = batch.meta.outline.length;
        await room.beginGeneration({ job_id: ctx.jobId, title: batch.meta.title, total });
        begun = true;
      },
      section: async (index, h2, html) => {
        const s = articleSection(h2, html);
        const { appended } = await room.appendSection(s.h2, s.html, { job_id: ctx.jobId, index });
        if (appended) streamed.push(s);
      },
      finish: async (parsed) => {
        // What streamed is the start of the parsed article (a document's last section arrives only
        // now): append the rest, keeping what editors typed meanwhile. Otherwise the draft becomes
        // exactly the parsed article.
        let prefix =
          begun &&
          streamed.length <= parsed.sections.length &&
          sameSections(streamed, parsed.sections.slice(0, streamed.length));
        for (let i = streamed.length; prefix && i < parsed.sections.length; i++) {
          const s = parsed.sections[i]!;
          if (!(await room.appendSection(s.h2, s.html, { job_id: ctx.jobId, index: i })).appended) prefix = false;
          else streamed.push(s);
        }
        // The meta fields live in the draft too (DESIGN §9): they arrive in the same change as the article.
        await room.finishGeneration(prefix ? undefined : parsed.html, {
          title: parsed.title,
          meta_title: parsed.meta_title,
          meta_description: parsed.meta_description,
          primary_keyword: parsed.primary_keyword,
          secondary_keywords: parsed.secondary_keywords,
          tags: parsed.tags,
        });
      },
      // A failed attempt, or one whose job ended, leaves the draft as it was saved before (not half
      // an article, never one nobody paid for) and no longer "generating".
      abort: async () => {
        await room.abortGeneration(before ?? (await savedHtml()));
      },
    };
  },

  read: readArticleReply,

  parse(reply, batch) {
    let value: z.output<typeof contentReply>;
    if (reply instanceof DocumentArticle) {
      // An article written as a document: its H1 (or the task's title) is the title, and the meta
      // fields it could not carry get the unambiguous defaults.
      const { title, sections } = reply.article;
      const name = title ?? plainText(batch.meta.title, 200);
      const primary = (batch.input as { primary_keyword?: unknown }).primary_keyword;
      value = {
        title: name,
        meta_title: name,
        meta_description: firstParagraph(sections) || name,
        primary_keyword: typeof primary === 'string' ? primary : '',
        secondary_keywords: [],
        tags: [],
        categories: [],
        sections,
      };
    } else {
      const result = normalizeContentReply(reply);
      if (!result.ok) throw new InvalidReply(result.reason);
      // Each body read as the stream reads it (HTML, Markdown or fenced), so the two agree.
      const sections = result.value.sections.map((s) => articleSection(s.h2, s.html));
      // A body the sanitizer empties (only a script, say) is a section that can't be used, not a heading alone.
      const empty = sections.findIndex((s) => !s.html);
      if (empty >= 0) throw new InvalidReply(`section ${empty + 1} of the article has no text after sanitizing`);
      value = { ...result.value, sections };
    }
    const html = articleHtml(value.sections);
    const words = htmlToText(html).split(/\s+/).filter(Boolean).length;
    if (words === 0) throw new InvalidReply('the article has no text after sanitizing');
    return {
      ...value,
      task_id: batch.meta.task_id,
      content_id: batch.meta.content_id,
      html,
      word_count: words,
      follows_outline: followsOutline(batch.meta.outline, value.sections),
    };
  },

  save(ctx, prepared, parsed) {
    const a = ctx.accountId;
    const now = Date.now();
    const statements: Statement[] = parsed.flatMap((p) => [
      // The draft room is the only writer of html_content and word_count (core/schema/owners.ts: its
      // projection, which includes edits made while the AI wrote): the sink's finish() put the parsed
      // article into the room, which saved it, before this runs. A draft too large for a D1 row stays
      // in the room (publishing reads the live draft), as any edited draft of that size would. The meta
      // fields too are the room's projection of its meta map (finish() wrote them there); categories
      // are not part of the draft.
      sql`UPDATE content SET categories = ${JSON.stringify(p.categories)}, source = 'ai', updated_at = ${now}
          WHERE account_id = ${a} AND id = ${p.content_id}`,
      sql`UPDATE tasks SET status = 'completed', content_id = ${p.content_id}, updated_at = ${now}
          WHERE account_id = ${a} AND id = ${p.task_id}`,
    ]);
    return {
      statements,
      charge: parsed.length * CREDITS_PER_PIECE,
      changed: ['content', 'tasks'],
      result: {
        articles: parsed.length,
        words: parsed.reduce((n, p) => n + p.word_count, 0),
        content_ids: parsed.map((p) => p.content_id),
        following_outline: parsed.filter((p) => p.follows_outline).length,
        // Per article: the author profile it was written as and where that choice came from.
        authors: parsed.map((p) => {
          const meta = prepared.batches.find((b) => b.meta.task_id === p.task_id)?.meta;
          return { task_id: p.task_id, ...(meta?.author ?? { profile_id: null, name: null, source: 'none' }) };
        }),
        strategy_ids: [...new Set(prepared.batches.map((b) => b.meta.strategy_id).filter((v) => v != null))],
      },
    };
  },
};
