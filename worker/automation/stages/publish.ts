/**
 * Review → publish, by the rule's publish_mode: `draft` leaves the run's articles as drafts;
 * `review` moves them to review and holds the run until approve/ lets them through (approveArticles,
 * also B's approve route); `auto` schedules them at once at the publish window's next slots, except
 * those below min_optimizer_score, which wait in review with a note. Scheduling goes through the
 * publisher (schedulePublish), so the coordinator fires each publish as the system bot.
 */
import { sql } from 'drizzle-orm';
import { publishSlots } from '../../../core/automation/publish-slots';
import { runBatch } from '../../db/batch';
import type { Tenant } from '../../db/tenant';
import type { Env } from '../../env';
import { schedulePublish } from '../../publisher/schedule';
import { contentStatusStatement } from '../../writer/content-service';
import { advanceState, finishedState, joinNotes } from './jobs';
import { outputOfStage } from './scope';
import type { RunRecord, Stage, StageContext } from './types';
import { appOrigin } from '../../lib/app-origin';

/** schedulePublish refuses a time less than 5 s ahead: slots start a minute after now. */
const LEAD_MS = 60_000;
/** When the rule starts at publish without an event's articles: the scope's articles in review, at most this many. */
const POOL_LIMIT = 50;

interface ArticleRow {
  id: number;
  status: string;
  score: number | null;
}

export const publish: Stage = {
  name: 'publish',
  async step(ctx) {
    // A held stage is called again (after approve/, or a restart): it ends when nothing is left in review.
    if (ctx.stage.input_ids.length && ctx.config.publish_mode === 'review') return reviewed(ctx);
    const ids = await runArticles(ctx);
    if (!ids.length) return { kind: 'done', state: finishedState(ctx, { note: 'No articles to publish.' }) };
    const started = { input_ids: ids, input_count: ids.length };
    const mode = ctx.config.publish_mode;
    if (mode === 'draft')
      return {
        kind: 'done',
        state: finishedState(ctx, { ...started, note: 'Publish mode draft: articles stay drafts.' }),
      };
    const rows = await articles(ctx.tenant, ctx.run, ids);
    if (mode === 'review') {
      await toReview(
        ctx.tenant,
        rows.filter((r) => r.status === 'draft').map((r) => r.id),
      );
      const state = advanceState(ctx, { ...started, status: 'running' });
      return reviewed({ ...ctx, stage: state });
    }
    // auto: the gate first, then every passing article still unscheduled gets a slot.
    const min = ctx.config.min_optimizer_score;
    const low =
      min === null
        ? []
        : rows.filter((r) => r.status !== 'scheduled' && r.status !== 'published' && (r.score ?? 0) < min);
    await toReview(
      ctx.tenant,
      low.filter((r) => r.status === 'draft').map((r) => r.id),
    );
    const lowIds = new Set(low.map((r) => r.id));
    const waiting = rows.filter((r) => !lowIds.has(r.id) && (r.status === 'draft' || r.status === 'review'));
    const result = await scheduleInWindow(
      ctx.env,
      ctx.tenant,
      ctx.run,
      waiting.map((r) => r.id),
      ctx.now,
    );
    const out = rows.filter((r) => r.status === 'scheduled' || r.status === 'published').map((r) => r.id);
    out.push(...result.scheduled.map((s) => s.content_id));
    const lowList = low.map((r) => `#${r.id} (${r.score ?? 'unscored'})`).join(', ');
    const gateNote = low.length > 0 && `${low.length} below optimizer score ${min} stay in review: ${lowList}`;
    return {
      kind: 'done',
      state: finishedState(ctx, {
        ...started,
        output_ids: out.sort((a, b) => a - b),
        output_count: out.length,
        note: joinNotes(gateNote, failedNote(result.failed)),
      }),
    };
  },
};

/** The articles the run made (content stage), an event's articles, or the scope's articles in review. */
async function runArticles(ctx: StageContext): Promise<number[]> {
  const made = outputOfStage(ctx, 'content') ?? ctx.run.trigger_payload?.content_ids ?? null;
  if (made) return made;
  const rows = await ctx.tenant.db.all<{ id: number }>(sql`
    SELECT id FROM content WHERE account_id = ${ctx.run.account_id} AND site_id = ${ctx.run.site_id}
      ${ctx.run.sector_id === null ? sql`` : sql`AND sector_id = ${ctx.run.sector_id}`}
      AND status = 'review' ORDER BY id LIMIT ${POOL_LIMIT}`);
  return rows.map((r) => r.id);
}

async function articles(tenant: Tenant, run: RunRecord, ids: number[]): Promise<ArticleRow[]> {
  if (!ids.length) return [];
  return tenant.db.all<ArticleRow>(sql`
    SELECT c.id, c.status, s.score FROM content c
    LEFT JOIN content_scores s ON s.account_id = c.account_id AND s.content_id = c.id
    WHERE c.account_id = ${run.account_id} AND c.site_id = ${run.site_id}
      AND c.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))
    ORDER BY c.id`);
}

/** Drafts → review, through the writer's status statement (only from draft: a race changes nothing). */
async function toReview(tenant: Tenant, ids: number[]) {
  if (!ids.length) return;
  await runBatch(
    tenant.db,
    ids.map((id) =>
      contentStatusStatement(tenant.db, tenant.account.id, id, {
        status: 'review',
        byUserId: tenant.user.id,
        from: ['draft'],
      }),
    ),
  );
}

/** The review gate: hold while any of the stage's articles is in review, else done with what went out. */
async function reviewed(ctx: StageContext) {
  const rows = await articles(ctx.tenant, ctx.run, ctx.stage.input_ids);
  const held = rows.filter((r) => r.status === 'review');
  const out = rows.filter((r) => r.status === 'scheduled' || r.status === 'published').map((r) => r.id);
  const patch = { output_ids: out, output_count: out.length };
  if (held.length)
    return {
      kind: 'hold' as const,
      state: advanceState(ctx, { ...patch, status: 'running', note: `${held.length} articles waiting for review` }),
    };
  return { kind: 'done' as const, state: finishedState(ctx, { ...patch, note: null }) };
}

const failedNote = (failed: { content_id: number; error: string }[]) =>
  failed.length ? `${failed.length} not scheduled: ${failed[0]!.error}` : null;

export interface Scheduled {
  scheduled: { content_id: number; publish_at: number }[];
  failed: { content_id: number; error: string }[];
}

/**
 * Schedules these articles at the window's next free slots (publishes already scheduled on the
 * site use up their day and spacing). An article the publisher refuses (no WordPress connection,
 * deleted) stays where it is and is reported.
 */
export async function scheduleInWindow(
  env: Env,
  tenant: Tenant,
  run: RunRecord,
  ids: number[],
  now: number,
): Promise<Scheduled> {
  const result: Scheduled = { scheduled: [], failed: [] };
  if (!ids.length) return result;
  const taken = await tenant.db.all<{ publish_at: number }>(sql`
    SELECT publish_at FROM content WHERE account_id = ${run.account_id} AND site_id = ${run.site_id}
      AND status = 'scheduled' AND publish_at IS NOT NULL AND publish_at >= ${now - 24 * 3600_000}`);
  const slots = publishSlots({
    now: now + LEAD_MS,
    tz: run.timezone,
    window: run.config.publish_window,
    count: ids.length,
    taken: taken.map((t) => t.publish_at),
  });
  const origin = appOrigin(env);
  for (const [i, contentId] of ids.entries()) {
    const at = slots[i];
    if (at === undefined) {
      result.failed.push({ content_id: contentId, error: 'no publish slot left in the window' });
      continue;
    }
    try {
      await schedulePublish(env, tenant, contentId, {
        destination: run.config.publish_destination,
        wpStatus: 'publish',
        publishAt: new Date(at),
        origin,
      });
      result.scheduled.push({ content_id: contentId, publish_at: at });
    } catch (err) {
      result.failed.push({ content_id: contentId, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return result;
}

export interface Approval extends Scheduled {
  /** Of the run's articles, those still in review after this approval. */
  still_in_review: number[];
}

/**
 * The review gate's approve/: the run's held articles (all, or `contentIds` of them) get scheduled
 * publishes in the window, and a `content.approved` event goes out for event rules. The runner
 * completes the run once none of its articles is left in review (the publish stage's next step).
 */
export async function approveArticles(
  env: Env,
  tenant: Tenant,
  run: RunRecord,
  contentIds: number[] | undefined,
  now = Date.now(),
): Promise<Approval> {
  const stage = run.stages.find((s) => s.stage === 'publish');
  const rows = await articles(tenant, run, stage?.input_ids ?? []);
  const held = rows.filter((r) => r.status === 'review').map((r) => r.id);
  const chosen = contentIds ? held.filter((id) => contentIds.includes(id)) : held;
  const result = await scheduleInWindow(env, tenant, run, chosen, now);
  const approved = result.scheduled.map((s) => s.content_id);
  if (approved.length) {
    await env.EVENTS.send({
      v: 1,
      type: 'automation.event',
      account_id: run.account_id,
      shard: tenant.shard,
      site_id: run.site_id,
      event: 'content.approved',
      event_id: `approved-${run.id}-${approved.join('.')}`.slice(0, 200),
      payload: { content_ids: approved },
    });
  }
  const done = new Set(approved);
  return { ...result, still_in_review: held.filter((id) => !done.has(id)) };
}
