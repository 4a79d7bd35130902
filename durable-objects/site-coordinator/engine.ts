import { responseFormatFor, type TextAiFunction } from '../../core/ai/contracts';
import { progressOf, TERMINAL_STATUSES, type JobView, type Phase } from '../../core/ai/jobs';
import { repairJson } from '../../core/ai/repair';
import { SectionStream } from '../../core/ai/stream-sections';
import type { AiFunction } from '../../core/domain/enums';
import type { CoordinatorEvent } from '../../core/realtime/events';
import { functionDefinition } from '../../worker/ai/functions/registry';
import { InvalidJobInput, InvalidReply, type FunctionContext, type SectionSink } from '../../worker/ai/functions/types';
import { costUsd } from '../../worker/ai/pricing';
import { resolvePrompt, userMessage } from '../../worker/ai/prompts';
import { chatCompletion, chatCompletionStream, classifyError, type ProviderConfig } from '../../worker/ai/provider';
import { ProviderNotConfigured, resolveProvider } from '../../worker/ai/settings';
import { insertTaskLog, updateTaskLog } from '../../worker/ai/task-log';
import { balanceOf, captureStatements, releaseCredits, reserveCredits } from '../../worker/billing/ledger';
import { runBatch } from '../../worker/db/batch';
import { isShardName, shardDb } from '../../worker/db/shards';
import type { Env } from '../../worker/env';
import type { Broadcaster } from './broadcaster';
import type { BatchRecord, JobRecord, JobStore } from './job-store';
import { fullJitterDelay, KeyLimiter } from './limiter';

/** Attempts per AI call for retryable failures (429, 5xx, timeouts, network). */
export const MAX_CALL_ATTEMPTS = 6;
/** Attempts for the D1 steps (reserve, prepare, save, release) before a job fails. */
const MAX_STEP_ATTEMPTS = 5;
const DEFAULT_CALL_TIMEOUT_MS = 60_000;
/** Jobs kept for the progress panel and the polling endpoint. */
const KEEP_JOBS = 200;
/** The message of a job refused at enqueue because the account could not pay for it. */
const REFUSED = 'Not enough credits';
const refusal = (needed: number, available: number) => `This needs ${needed} credits and the account has ${available}. Nothing was queued.`;

export interface EnqueueSpec {
  id: string;
  account_id: number;
  shard: string;
  site_id: number;
  user_id: number;
  user_name: string;
  function: AiFunction;
  input: unknown;
  retry_of?: string | null;
}

export type EnqueueResult =
  | { ok: true; job: JobView; replayed: boolean }
  | { ok: false; code: 'insufficient_credits'; needed: number; available: number; message: string }
  | { ok: false; code: 'invalid_input'; message: string };

export interface EngineDeps {
  env: Env;
  store: JobStore;
  broadcaster: Broadcaster;
  limiter?: KeyLimiter;
  now?: () => number;
  random?: () => number;
  /** Asks the platform to call pump() (the Durable Object alarm) at `at`. */
  scheduleAt(at: number): Promise<void>;
}

export function viewOf(job: JobRecord): JobView {
  return {
    id: job.id,
    site_id: job.site_id,
    function: job.function as AiFunction,
    status: job.status,
    phase: job.phase,
    progress: job.progress,
    message: job.message,
    credits_reserved: job.credits_reserved,
    credits_charged: job.credits_charged,
    batches_total: job.batches_total,
    batches_done: job.batches_done,
    error: job.error,
    result: job.result,
    created_by: { id: job.user_id, name: job.user_name },
    retry_of: job.retry_of,
    created_at: job.created_at,
    updated_at: job.updated_at,
    finished_at: job.finished_at,
  };
}

/**
 * The AI engine of one site: a persistent job queue driven by pump() (called from the Durable
 * Object alarm, so every step is retried by the platform if the object dies). Rules:
 *  - state is persisted before each AI call, and after it the job's version is checked again,
 *    because a cancel can interleave while the call is in flight;
 *  - every D1 step is idempotent (reserve/settle keys, unique effect keys), so a replayed step
 *    applies nothing twice;
 *  - the job's writes and its capture are one D1 batch: work and price land together or not at all.
 */
export class CoordinatorEngine {
  private readonly store: JobStore;
  private readonly limiter: KeyLimiter;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly providers = new Map<string, ProviderConfig>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private pumping: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** Enqueues still being accepted: a duplicate sent meanwhile (same Idempotency-Key) gets the same answer. */
  private readonly accepting = new Map<string, Promise<EnqueueResult>>();

  constructor(private readonly deps: EngineDeps) {
    this.store = deps.store;
    this.limiter = deps.limiter ?? new KeyLimiter();
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
  }

  // ------------------------------------------------------------------ commands (RPC)

  async enqueue(spec: EnqueueSpec): Promise<EnqueueResult> {
    const pending = this.accepting.get(spec.id);
    if (pending) return pending;
    const run = this.accept(spec);
    this.accepting.set(spec.id, run);
    try {
      return await run;
    } finally {
      this.accepting.delete(spec.id);
    }
  }

  /** The answer to a repeated enqueue: the same job, or the same refusal (never a 202 for a refused job). */
  private async replay(job: JobRecord): Promise<EnqueueResult> {
    if (job.status === 'failed' && job.message === REFUSED) {
      const { balance } = await balanceOf(this.ctx(job).db, job.account_id);
      return { ok: false, code: 'insufficient_credits', needed: job.credits_reserved, available: balance, message: refusal(job.credits_reserved, balance) };
    }
    return { ok: true, job: viewOf(job), replayed: true };
  }

  private async accept(spec: EnqueueSpec): Promise<EnqueueResult> {
    const existing = this.store.getJob(spec.id);
    if (existing) return this.replay(existing);
    const def = functionDefinition(spec.function);
    const input = def.input.safeParse(spec.input);
    if (!input.success) return { ok: false, code: 'invalid_input', message: input.error.issues[0]?.message ?? 'Invalid job input.' };
    const now = this.now();
    const job: JobRecord = {
      id: spec.id,
      account_id: spec.account_id,
      shard: spec.shard,
      site_id: spec.site_id,
      user_id: spec.user_id,
      user_name: spec.user_name,
      function: spec.function,
      input: input.data,
      status: 'reserving',
      phase: 'INIT',
      progress: 0,
      message: 'Reserving credits',
      summary: '',
      credits_reserved: def.reserve(input.data),
      credits_charged: null,
      batches_total: 0,
      batches_done: 0,
      step_attempts: 0,
      next_run_at: now,
      error: null,
      result: null,
      tokens_in: 0,
      tokens_out: 0,
      cost_usd: 0,
      model: '',
      version: 0,
      retry_of: spec.retry_of ?? null,
      settled: 0,
      created_at: now,
      updated_at: now,
      finished_at: null,
    };
    if (!this.store.insertJob(job)) return this.replay(this.store.getJob(spec.id)!);
    // Reserve now, so a job the account can't pay for is refused before anything is queued.
    try {
      const reserved = await this.reserve(job);
      if (!reserved.ok) {
        return {
          ok: false,
          code: 'insufficient_credits',
          needed: reserved.needed,
          available: reserved.available,
          message: refusal(reserved.needed, reserved.available),
        };
      }
    } catch (err) {
      // D1 hiccup: the job stays 'reserving' and the pump retries the (idempotent) reservation.
      console.error(JSON.stringify({ level: 'error', message: 'reserving credits failed; will retry', job_id: job.id, error: (err as Error)?.stack ?? String(err) }));
      this.store.updateJob(job.id, { next_run_at: now + 1000, message: 'Reserving credits (retrying)' });
    }
    await this.kick();
    return { ok: true, job: viewOf(this.store.getJob(job.id)!), replayed: false };
  }

  async cancel(jobId: string, byName: string): Promise<JobView | null> {
    const job = this.store.getJob(jobId);
    if (!job) return null;
    if (TERMINAL_STATUSES.includes(job.status) || job.status === 'saving') return viewOf(job);
    this.finish(job, { status: 'cancelled', message: `Cancelled by ${byName}`, error: null });
    await this.settle(this.store.getJob(jobId)!);
    await this.kick();
    return viewOf(this.store.getJob(jobId)!);
  }

  getJob(jobId: string): JobView | null {
    const job = this.store.getJob(jobId);
    return job ? viewOf(job) : null;
  }

  /** Jobs for the progress panel. Refused jobs (never accepted) are kept only to answer repeats. */
  listJobs(limit = 50): JobView[] {
    return this.store
      .listJobs(limit + 20)
      .filter((job) => !(job.status === 'failed' && job.message === REFUSED))
      .slice(0, limit)
      .map(viewOf);
  }

  // ------------------------------------------------------------------ the pump

  /** Runs until nothing is runnable now, then schedules the next wake-up. One pump at a time. */
  pump(): Promise<void> {
    if (this.pumping) {
      this.wake?.();
      return this.pumping;
    }
    this.pumping = this.pumpLoop().finally(() => {
      this.pumping = null;
    });
    return this.pumping;
  }

  private async pumpLoop() {
    let retryAt: number | null = null;
    for (;;) {
      const now = this.now();
      await this.bookkeeping(now);
      retryAt = this.startCalls(now);
      // Work that became runnable while the steps above awaited I/O (a call finished and its job
      // is saving) runs now: its wake-up may have fired before anyone was waiting for it.
      if (this.hasRunnableWork(this.now())) continue;
      if (this.inFlight.size === 0) break;
      await Promise.race([...this.inFlight.values(), new Promise<void>((resolve) => (this.wake = resolve))]);
      this.wake = null;
    }
    this.store.prune(KEEP_JOBS);
    const next = [this.store.nextWakeAt(), retryAt].filter((t): t is number => t !== null);
    if (next.length) await this.deps.scheduleAt(Math.max(this.now(), Math.min(...next)));
  }

  /** Jobs the pump should step now; a job still being accepted by enqueue() is reserved there. */
  private reservingNow(now: number) {
    return this.store.jobsInStatus('reserving', now).filter((job) => !this.accepting.has(job.id));
  }

  private hasRunnableWork(now: number) {
    return (
      this.reservingNow(now).length > 0 ||
      this.store.jobsInStatus('queued', now).length > 0 ||
      this.store.jobsInStatus('saving', now).length > 0
    );
  }

  private async kick() {
    this.wake?.();
    await this.deps.scheduleAt(this.now());
  }

  private async bookkeeping(now: number) {
    for (const job of this.reservingNow(now)) await this.step(job, () => this.reserve(job));
    for (const job of this.store.jobsInStatus('queued', now)) await this.step(job, () => this.prepare(job));
    for (const job of this.store.jobsInStatus('saving', now)) await this.step(job, () => this.save(job));
    // After a restart the provider of a running job is resolved again (keys are never stored here).
    for (const job of this.store.jobsInStatus('running', Number.MAX_SAFE_INTEGER)) {
      if (!this.providers.has(job.id)) {
        await this.step(job, async () => this.providers.set(job.id, await resolveProvider(this.deps.env, this.ctx(job).db, job.account_id, job.function as AiFunction)));
      }
    }
    for (const job of this.store.unsettledJobs()) await this.settle(job).catch(() => undefined);
  }

  /** Starts every pending AI call the key budgets allow; returns when to look again if blocked. */
  private startCalls(now: number): number | null {
    let retryAt: number | null = null;
    for (const batch of this.store.pendingBatches(now)) {
      const key = `${batch.job_id}#${batch.idx}`;
      if (this.inFlight.has(key)) continue;
      const job = this.store.getJob(batch.job_id);
      const cfg = job && this.providers.get(job.id);
      if (!job || !cfg) continue;
      const slot = this.limiter.tryAcquire(cfg.keyId, cfg, now);
      if (!slot.ok) {
        if (slot.retryAt !== null) retryAt = retryAt === null ? slot.retryAt : Math.min(retryAt, slot.retryAt);
        continue;
      }
      this.inFlight.set(
        key,
        this.call(job, batch, cfg).finally(() => this.inFlight.delete(key)),
      );
    }
    return retryAt;
  }

  /** Runs a D1 step; transient failures back off, and the job fails after MAX_STEP_ATTEMPTS. */
  private async step(job: JobRecord, run: () => Promise<unknown>) {
    try {
      await run();
    } catch (err) {
      const attempts = job.step_attempts + 1;
      if (err instanceof InvalidJobInput || err instanceof ProviderNotConfigured || attempts >= MAX_STEP_ATTEMPTS) {
        this.finish(job, { status: 'failed', message: 'Failed', error: (err as Error).message });
        await this.settle(this.store.getJob(job.id)!).catch(() => undefined);
        return;
      }
      this.store.updateJob(job.id, { step_attempts: attempts, next_run_at: this.now() + fullJitterDelay(attempts, this.random, 1000, 15_000) + 250 });
    }
  }

  // ------------------------------------------------------------------ phases

  private ctx(job: JobRecord): FunctionContext {
    if (!isShardName(job.shard)) throw new Error(`Job ${job.id} has unknown shard ${job.shard}`);
    return { env: this.deps.env, db: shardDb(this.deps.env, job.shard), accountId: job.account_id, siteId: job.site_id, userId: job.user_id, jobId: job.id };
  }

  private async reserve(job: JobRecord) {
    const ctx = this.ctx(job);
    const result = await reserveCredits(
      ctx.db,
      { accountId: job.account_id, jobId: job.id, amount: job.credits_reserved, operation: job.function as AiFunction, description: `${job.function} (job ${job.id})` },
      [insertTaskLog({ accountId: job.account_id, siteId: job.site_id, jobId: job.id, fn: job.function, userId: job.user_id, payload: job.input })],
    );
    if (!result.ok) {
      // Never accepted: nothing was held, so nothing to release.
      this.finish(job, { status: 'failed', message: REFUSED, error: refusal(result.needed, result.available) }, 1);
      return result;
    }
    this.update(job.id, { status: 'queued', message: 'Queued', progress: progressOf('INIT', 0.5), next_run_at: this.now() });
    return result;
  }

  private async prepare(job: JobRecord) {
    const def = functionDefinition(job.function);
    const ctx = this.ctx(job);
    this.update(job.id, { phase: 'INIT', progress: progressOf('INIT', 1), message: 'Validating' });
    const cfg = await resolveProvider(this.deps.env, ctx.db, job.account_id, job.function as AiFunction);
    this.providers.set(job.id, cfg);
    this.update(job.id, { phase: 'PREP', progress: progressOf('PREP', 0), message: 'Loading data', model: cfg.model });
    const prepared = await def.prepare(ctx, job.input);
    const now = this.now();
    const batches: BatchRecord[] = prepared.batches.map((b) => ({
      job_id: job.id,
      idx: b.index,
      input: b.input,
      meta: b.meta,
      status: 'pending',
      attempts: 0,
      next_run_at: now,
      parsed: null,
      tokens_in: 0,
      tokens_out: 0,
      model: '',
      error: null,
    }));
    this.store.putBatches(batches);
    this.update(job.id, {
      status: 'running',
      phase: 'AI_CALL',
      progress: progressOf('AI_CALL', 0),
      summary: prepared.summary,
      message: `${prepared.summary}: ${batches.length} AI call${batches.length === 1 ? '' : 's'}`,
      batches_total: batches.length,
      batches_done: 0,
      step_attempts: 0,
    });
    // Drafts that already exist can be opened while the AI writes into them: say so now, not at the end.
    if (prepared.changed?.length) this.deps.broadcaster.event({ v: 1, type: 'data.changed', entities: prepared.changed, job_id: job.id });
  }

  /** One AI call of a running job (the limiter slot is already taken). */
  private async call(job: JobRecord, batch: BatchRecord, cfg: ProviderConfig) {
    const def = functionDefinition(job.function);
    const ctx = this.ctx(job);
    const attempt = batch.attempts + 1;
    // Persist before the call: a restart mid-call knows this attempt happened.
    this.store.updateBatch(job.id, batch.idx, { attempts: attempt });
    let outcome: 'ok' | 'rate_limited' | 'error' = 'error';
    let retryAfter: number | null = null;
    const aiBatch = { index: batch.idx, input: batch.input, meta: batch.meta };
    const sink = def.sink?.(this.deps.env, ctx, aiBatch) ?? null;
    const timeoutMs = Number(this.deps.env.AI_CALL_TIMEOUT_MS) || def.callTimeoutMs || DEFAULT_CALL_TIMEOUT_MS;
    try {
      const done = def.run
        ? await def.run(this.deps.env, ctx, aiBatch, cfg, timeoutMs)
        : await this.chatAttempt(job, ctx, def, aiBatch, cfg, timeoutMs, sink);
      outcome = 'ok';
      if (!this.stillCurrent(job)) return; // cancelled while the call was in flight: discard
      await sink?.finish().catch(() => undefined);
      this.store.updateBatch(job.id, batch.idx, { status: 'done', parsed: done.parsed, tokens_in: done.tokensIn, tokens_out: done.tokensOut, model: done.model, error: null });
      this.afterBatch(job.id);
    } catch (err) {
      await sink?.abort().catch(() => undefined);
      if (err instanceof InvalidReply) {
        outcome = 'ok';
        await this.fail(job, `The AI reply could not be used: ${err.message}`);
        return;
      }
      const pe = classifyError(err);
      outcome = pe.kind === 'rate_limited' ? 'rate_limited' : 'error';
      retryAfter = pe.retryAfterMs;
      if (!this.stillCurrent(job)) return;
      if (pe.retryable && attempt < MAX_CALL_ATTEMPTS) {
        const delay = Math.max(pe.retryAfterMs ?? 0, fullJitterDelay(attempt, this.random, Number(this.deps.env.AI_RETRY_BASE_MS) || 500));
        this.store.updateBatch(job.id, batch.idx, { next_run_at: this.now() + delay, error: pe.message });
        this.update(job.id, { message: `${pe.message} Retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${MAX_CALL_ATTEMPTS}).` });
      } else {
        await this.fail(job, attempt >= MAX_CALL_ATTEMPTS && pe.retryable ? `${pe.message} Gave up after ${attempt} attempts.` : pe.message);
      }
    } finally {
      this.limiter.release(cfg.keyId, outcome, this.now(), retryAfter);
    }
  }

  /** A chat function's attempt: prompt, (streamed) completion, tolerant JSON, the contract. */
  private async chatAttempt(
    job: JobRecord,
    ctx: FunctionContext,
    def: ReturnType<typeof functionDefinition>,
    aiBatch: { index: number; input: unknown; meta: unknown },
    cfg: ProviderConfig,
    timeoutMs: number,
    sink: SectionSink | null,
  ) {
    const prompt = await resolvePrompt(ctx.db, job.account_id, def.promptType);
    const request = {
      system: prompt.text,
      user: userMessage(`${def.name} for site ${job.site_id}`, aiBatch.input),
      responseFormat: responseFormatFor(def.name as TextAiFunction),
      timeoutMs,
    };
    let reply;
    if (sink) {
      // Streaming is for the people watching the draft: if the room can't take a section the
      // job goes on, and the saved article is still complete.
      const sections = new SectionStream();
      const streamed = await sink.begin().then(() => true, () => false);
      reply = await chatCompletionStream(cfg, request, async (delta) => {
        for (const s of sections.push(delta)) {
          if (streamed && this.stillCurrent(job)) await sink.section(s.index, s.h2, s.html).catch(() => undefined);
        }
      });
    } else {
      reply = await chatCompletion(cfg, request);
    }
    if (!this.stillCurrent(job)) return { parsed: null, tokensIn: reply.tokensIn, tokensOut: reply.tokensOut, model: reply.model };
    const repaired = repairJson(reply.content);
    if (!repaired.ok) throw new InvalidReply(repaired.reason);
    if (!def.parse) throw new Error(`AI function ${def.name} has neither run() nor parse().`);
    return { parsed: def.parse(repaired.value, aiBatch), tokensIn: reply.tokensIn, tokensOut: reply.tokensOut, model: reply.model };
  }

  private stillCurrent(job: JobRecord) {
    const current = this.store.getJob(job.id);
    return !!current && current.version === job.version && current.status === 'running';
  }

  private afterBatch(jobId: string) {
    const job = this.store.getJob(jobId)!;
    const batches = this.store.batchesOf(jobId);
    const done = batches.filter((b) => b.status === 'done');
    const tokensIn = done.reduce((n, b) => n + b.tokens_in, 0);
    const tokensOut = done.reduce((n, b) => n + b.tokens_out, 0);
    const model = done[0]?.model || job.model;
    const patch: Partial<JobRecord> = {
      batches_done: done.length,
      tokens_in: tokensIn,
      tokens_out: tokensOut,
      model,
      cost_usd: costUsd(model, tokensIn, tokensOut),
      progress: progressOf('AI_CALL', done.length / Math.max(1, job.batches_total)),
      message: `AI call ${done.length} of ${job.batches_total} done`,
    };
    if (done.length === batches.length) Object.assign(patch, { status: 'saving', phase: 'PARSE', progress: progressOf('PARSE', 0), message: 'Reading the replies', next_run_at: this.now() });
    this.update(jobId, patch);
    if (patch.status === 'saving') this.wake?.();
  }

  private async save(job: JobRecord) {
    const def = functionDefinition(job.function);
    const ctx = this.ctx(job);
    const batches = this.store.batchesOf(job.id);
    const prepared = { batches: batches.map((b) => ({ index: b.idx, input: b.input, meta: b.meta })), summary: job.summary };
    const outcome = def.save(ctx, prepared, batches.map((b) => b.parsed));
    this.update(job.id, { phase: 'SAVE', progress: progressOf('SAVE', 0.3), message: 'Saving results' });
    const charge = Math.min(outcome.charge, job.credits_reserved);
    const durationMs = this.now() - job.created_at;
    await runBatch(ctx.db, [
      ...outcome.statements,
      ...captureStatements({
        accountId: job.account_id,
        jobId: job.id,
        charge,
        description: `${job.function}: ${job.summary}`.slice(0, 500),
        usage: { operation: job.function as AiFunction, model: job.model, tokens_input: job.tokens_in, tokens_output: job.tokens_out, cost_usd: job.cost_usd, site_id: job.site_id, metadata: { job_id: job.id } },
      }),
      updateTaskLog({
        accountId: job.account_id,
        jobId: job.id,
        status: 'succeeded',
        phase: 'DONE',
        message: 'Done',
        attempts: batches.reduce((n, b) => n + b.attempts, 0),
        tokensIn: job.tokens_in,
        tokensOut: job.tokens_out,
        costUsd: job.cost_usd,
        durationMs,
        error: null,
        result: outcome.result,
      }),
    ]);
    this.finish(job, { status: 'succeeded', message: 'Done', error: null, result: outcome.result, credits_charged: charge }, 1);
    this.deps.broadcaster.event({ v: 1, type: 'data.changed', entities: outcome.changed, job_id: job.id });
  }

  private async fail(job: JobRecord, error: string) {
    const current = this.store.getJob(job.id);
    if (!current || TERMINAL_STATUSES.includes(current.status)) return;
    this.finish(current, { status: 'failed', message: 'Failed', error });
    await this.settle(this.store.getJob(job.id)!).catch(() => undefined);
  }

  /** Releases the hold of a failed or cancelled job and closes its AITaskLog (idempotent). */
  private async settle(job: JobRecord) {
    if (job.settled || !TERMINAL_STATUSES.includes(job.status) || job.status === 'succeeded') return;
    const ctx = this.ctx(job);
    await releaseCredits(ctx.db, { accountId: job.account_id, jobId: job.id, reason: job.error ?? job.message });
    const undo = functionDefinition(job.function).abandon?.(ctx, job.input);
    await runBatch(ctx.db, [
      ...(undo?.statements ?? []),
      updateTaskLog({
        accountId: job.account_id,
        jobId: job.id,
        status: job.status === 'cancelled' ? 'cancelled' : 'failed',
        phase: job.phase,
        message: job.message,
        attempts: this.store.batchesOf(job.id).reduce((n, b) => n + b.attempts, 0),
        tokensIn: job.tokens_in,
        tokensOut: job.tokens_out,
        costUsd: job.cost_usd,
        durationMs: (job.finished_at ?? this.now()) - job.created_at,
        error: job.error,
        result: null,
      }),
    ]);
    this.store.updateJob(job.id, { settled: 1 });
    if (undo?.changed.length) this.deps.broadcaster.event({ v: 1, type: 'data.changed', entities: undo.changed, job_id: job.id });
  }

  // ------------------------------------------------------------------ state + events

  private update(jobId: string, patch: Partial<JobRecord>) {
    this.store.updateJob(jobId, { ...patch, updated_at: this.now() });
    const job = this.store.getJob(jobId);
    if (job) this.deps.broadcaster.job(viewOf(job));
  }

  private finish(
    job: JobRecord,
    end: { status: 'succeeded' | 'failed' | 'cancelled'; message: string; error: string | null; result?: Record<string, unknown>; credits_charged?: number },
    settled = 0,
  ) {
    const phase: Phase = end.status === 'succeeded' ? 'DONE' : job.phase;
    this.update(job.id, {
      status: end.status,
      phase,
      progress: end.status === 'succeeded' ? 100 : job.progress,
      message: end.message,
      error: end.error,
      result: end.result ?? null,
      credits_charged: end.credits_charged ?? (end.status === 'succeeded' ? job.credits_charged : 0),
      version: job.version + 1,
      settled,
      finished_at: this.now(),
    });
    this.providers.delete(job.id);
  }

  publish(event: CoordinatorEvent) {
    this.deps.broadcaster.event(event);
  }
}
