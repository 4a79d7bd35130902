/**
 * Batch linking (issue 11, scope item 5) as a site-coordinator job, one batch per article: the
 * "call" is the article's draft room suggesting links from its live document; with the site's AI
 * pass on, a model then chooses among the room's allowed candidates (`filterAiChoices` drops
 * anything else it says). Inbound: the site's live articles closest to a target article (term
 * overlap) are asked for links to it alone. Mode apply accepts every new suggestion afterwards.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { readReply } from '../../core/ai/reader';
import { filterAiChoices, type LinkSuggestion } from '../../core/linker';
import { content, linkSuggestions } from '../../core/schema/shard';
import { LINK_DIRECTIONS, LINK_MODES, MAX_LINK_BATCH } from '../../core/validation/linker';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import type { RoomLinkSuggestion } from '../../durable-objects/draft-room/protocol';
import {
  type AiFunctionDefinition,
  chunk,
  type FunctionContext,
  InvalidJobInput,
} from '../../durable-objects/site-coordinator/engine/ai-function';
import { sitePagesOf } from '../inventory/service';
import { closestArticles, isLive, type PageFacts } from './inbound';
import { chatCompletion, type ProviderConfig } from '../lib/ai-provider';
import { resolvePrompt } from '../system/prompts';
import { acceptSuggestion, storeSuggestionsStatements } from './service';

/** One AI pass over one article's candidates; nothing without the AI pass. */
export const CREDITS_PER_AI_PASS = 1;
const ACCEPT_CONCURRENCY = 4;

const input = z.object({
  content_ids: z.array(z.number().int().positive()).min(1).max(MAX_LINK_BATCH),
  mode: z.enum(LINK_MODES),
  direction: z.enum(LINK_DIRECTIONS),
  /** The site's settings when the job was accepted (the credits held depend on them). */
  ai_pass: z.boolean().default(false),
  max_links: z.number().int().min(0).max(10).default(10),
});
type Input = z.output<typeof input>;

type Meta = {
  content_id: number;
  direction: 'outbound' | 'inbound';
  /** Inbound: the inventory pages (the target articles) this article may link to. */
  only_targets: number[] | null;
  ai: boolean;
  mode: Input['mode'];
  max_links: number;
};
type Parsed = Meta & { origin: 'rules' | 'ai'; ai_called: boolean; suggestions: RoomLinkSuggestion[] };

async function prepareBatches(ctx: FunctionContext, job: Input): Promise<Meta[]> {
  const ids = [...new Set(job.content_ids)];
  const found: { id: number }[] = [];
  // In parts: 100 ids and the account and site would bind 102 parameters (D1 allows 100).
  for (const part of chunk(ids, 90))
    found.push(
      ...(await ctx.db
        .select({ id: content.id })
        .from(content)
        .where(and(eq(content.account_id, ctx.accountId), eq(content.site_id, ctx.siteId), inArray(content.id, part)))
        .all()),
    );
  if (!found.length) throw new InvalidJobInput('None of the selected articles exist any more.');
  const base = { mode: job.mode, max_links: job.max_links };
  const metas: Meta[] = [];
  if (job.direction !== 'inbound')
    for (const { id } of found)
      metas.push({ ...base, content_id: id, direction: 'outbound', only_targets: null, ai: job.ai_pass });
  if (job.direction !== 'outbound') {
    const pages = (await sitePagesOf(ctx.db, ctx.accountId, ctx.siteId)) as PageFacts[];
    const byRef = new Map(pages.filter((p) => p.kind === 'content').map((p) => [p.ref_id, p]));
    // One batch per source article, asked for links to every target it is close to.
    const targetsOf = new Map<number, number[]>();
    for (const { id } of found) {
      const target = byRef.get(id);
      if (!target || !isLive(target)) continue; // a draft is no link target yet
      for (const source of closestArticles(target, pages))
        targetsOf.set(source.ref_id, [...(targetsOf.get(source.ref_id) ?? []), target.id]);
    }
    for (const [source, targets] of targetsOf)
      metas.push({ ...base, content_id: source, direction: 'inbound', only_targets: targets, ai: false });
  }
  return metas;
}

/** The model's pick among the room's candidates: only offered (target, place) pairs survive. */
async function aiChoice(
  ctx: FunctionContext,
  offered: RoomLinkSuggestion[],
  ask: { cap: number; sourcePageId: number | null },
  cfg: ProviderConfig,
  timeoutMs: number,
  signal: AbortSignal,
) {
  const asCore: LinkSuggestion[] = offered.map((s) => ({
    targetId: String(s.target_page_id),
    url: s.target_url,
    anchor: { ...s.anchor, text: s.anchor_text },
    score: s.score,
    reason: s.reason,
  }));
  const roomOf = new Map(asCore.map((s, i) => [s, offered[i] as RoomLinkSuggestion]));
  const candidates = asCore.map((s, i) => ({
    target_id: s.targetId,
    url: s.url,
    title: offered[i]?.target_title,
    text: s.anchor.text,
    path: s.anchor.path,
    from: s.anchor.from,
    to: s.anchor.to,
  }));
  const input = { cap: ask.cap, source_page_id: ask.sourcePageId };
  const prompt = await resolvePrompt(ctx.db, ctx.accountId, 'internal_linking');
  const reply = await chatCompletion(cfg, {
    // The FUNCTION line names the function for a json_object reply (the dev model reads it too).
    system: `${prompt.text}\nFUNCTION: link_content`,
    user: `Choose the links.\n\`\`\`json\n${JSON.stringify({ ...input, candidates })}\n\`\`\``,
    responseFormat: { type: 'json_object' },
    timeoutMs,
    signal,
  });
  const read = readReply(reply);
  // An unreadable reply chooses nothing: the model's text never becomes a link of its own.
  const chosen = filterAiChoices({ cap: ask.cap, offered: asCore }, read.ok ? read.value : reply.content);
  return { reply, suggestions: chosen.map((s) => roomOf.get(s)).filter((s) => s !== undefined) };
}

export const linkContent: AiFunctionDefinition<Input, Meta, Parsed> = {
  name: 'link_content',
  promptType: 'internal_linking',
  unitPlural: 'articles',
  input,
  // Only the AI pass costs credits, and it runs on outbound batches (inbound asks name one target).
  reserve: (job) => (job.ai_pass && job.direction !== 'inbound' ? new Set(job.content_ids).size : 0),

  async prepare(ctx, job) {
    const metas = await prepareBatches(ctx, job);
    // Only inbound can find nothing to do (every target a draft, or no live article near it).
    if (!metas.length)
      throw new InvalidJobInput('No live article of the site is close enough to link to the selected ones.');
    const articles = new Set(metas.map((m) => m.content_id)).size;
    return {
      batches: metas.map((meta, index) => ({ index, input: { content_id: meta.content_id }, meta })),
      summary: `Linking ${articles} article${articles === 1 ? '' : 's'}`,
    };
  },

  async run(env, ctx, batch, cfg, timeoutMs, signal) {
    const meta = batch.meta;
    const found = await draftRoomOf(env, ctx.accountId, meta.content_id).suggestLinks({
      onlyTargets: meta.only_targets?.map(String),
      maxLinks: meta.max_links,
      candidates: meta.ai,
    });
    const offered = found.candidates?.offered ?? [];
    if (!meta.ai || !offered.length || !found.candidates) {
      const parsed = { ...meta, origin: 'rules' as const, ai_called: false, suggestions: found.suggestions };
      return { parsed, tokensIn: 0, tokensOut: 0, model: '' };
    }
    const { reply, suggestions } = await aiChoice(
      ctx,
      offered,
      { cap: found.candidates.cap, sourcePageId: found.source_page_id },
      cfg,
      timeoutMs,
      signal,
    );
    const parsed = { ...meta, origin: 'ai' as const, ai_called: true, suggestions };
    return { parsed, tokensIn: reply.tokensIn, tokensOut: reply.tokensOut, model: reply.model };
  },

  save(ctx, _prepared, parsed) {
    return {
      statements: parsed.flatMap((p) =>
        storeSuggestionsStatements(
          { accountId: ctx.accountId, siteId: ctx.siteId, contentId: p.content_id },
          p.suggestions,
          { direction: p.direction, origin: p.origin, jobId: ctx.jobId, onlyTargets: p.only_targets ?? undefined },
        ),
      ),
      charge: parsed.filter((p) => p.ai_called).length * CREDITS_PER_AI_PASS,
      changed: ['link_suggestions'],
      result: {
        articles: new Set(parsed.map((p) => p.content_id)).size,
        suggestions: parsed.reduce((n, p) => n + p.suggestions.length, 0),
      },
    };
  },

  /** Mode apply: every suggestion this job stored is accepted (each lands or turns stale). */
  async delivered(ctx, batches) {
    const articles = [...new Set(batches.filter((b) => b.meta.mode === 'apply').map((b) => b.meta.content_id))];
    for (const part of chunk(articles, ACCEPT_CONCURRENCY)) {
      await Promise.all(part.map((contentId) => acceptAll(ctx, contentId)));
    }
  },
};

async function acceptAll(ctx: FunctionContext, contentId: number) {
  const rows = await ctx.db
    .select()
    .from(linkSuggestions)
    .where(
      and(
        eq(linkSuggestions.account_id, ctx.accountId),
        eq(linkSuggestions.content_id, contentId),
        eq(linkSuggestions.job_id, ctx.jobId),
        eq(linkSuggestions.status, 'pending'),
      ),
    )
    .all();
  for (const row of rows) {
    try {
      await acceptSuggestion(ctx.env, ctx.db, row, ctx.userId);
    } catch (err) {
      console.warn(`link_content: suggestion ${row.id} not applied`, err);
    }
  }
}
