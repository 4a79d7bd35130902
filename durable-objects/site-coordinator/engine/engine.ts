import { responseFormatFor, type TextAiFunction } from '../../../core/ai/contracts';
import { progressOf, TERMINAL_STATUSES, type JobView, type Phase } from '../../../core/ai/jobs';
import { repairJson } from '../../../core/ai/repair';
import { SectionStream } from '../../../core/ai/stream-sections';
import type { AiFunction } from '../../../core/domain/enums';
import type { CoordinatorEvent } from '../../../core/realtime/events';
import {
  InvalidJobInput,
  InvalidReply,
  type AiFunctionDefinition,
  type FunctionContext,
  type SectionSink,
} from './ai-function';
import { costUsd } from '../../../worker/lib/ai-pricing';
import {
  chatCompletion,
  chatCompletionStream,
  classifyError,
  ProviderError,
  type ChatResult,
  type ProviderCall,
  type ProviderConfig,
} from '../../../worker/lib/ai-provider';
import { runBatch } from '../../../worker/db/batch';
import { isShardName, shardDb, type ShardDb, type ShardName } from '../../../worker/db/shards';
import type { Env } from '../../../worker/env';
import type { Broadcaster } from './broadcaster';
import type { EnqueueResult, EnqueueSpec, HoldRef, SweepCounts } from './protocol';
import type { BatchRecord, JobRecord, JobStore } from './job-store';
import { describeDelivery } from './outcomes';
import type { AiCallEntry, EnginePorts, KeyBudget, UsageRecord } from './ports';
import { fullJitterDelay, LocalKeyBudget } from './limiter';
import { CallDispatch, type CallInFlight, type Slot } from './call-dispatch';
import { StepPipeline } from './step-pipeline';

/** Attempts per AI call for retryable failures (429, 5xx, timeouts, network). */
export const MAX_CALL_ATTEMPTS = 6;
/**
 * Attempts at charging a failed or cancelled job for the units it delivered. Past them the job is
 * settled by releasing the whole hold and taking back what it delivered (the drafts it wrote).
 */
const MAX_SETTLE_ATTEMPTS = 5;
/** Statuses a job can be cancelled from ('saving' is not: its work and price are landing). */
const CANCELLABLE = ['reserving', 'queued', 'running'] as const;
const DEFAULT_CALL_TIMEOUT_MS = 60_000;
/**
 * Per-attempt timeouts of the chat functions that answer in one piece: a clustering, ideas or
 * image-prompt reply comes in seconds, so a provider that never answers is given up on in 30 s
 * (not 60 s × 6 attempts). AI_CALL_TIMEOUT_MS (tests: 3 s) overrides every timeout below.
 */
const CALL_TIMEOUT_MS: Partial<Record<string, number>> = {
  auto_cluster: 30_000,
  generate_ideas: 30_000,
  generate_image_prompts: 30_000,
};
/**
 * A streamed reply (an article) may take minutes: it gets this long to start and this long of
 * silence between chunks, and 20 times this in all (provider.ts).
 */
const STREAM_IDLE_TIMEOUT_MS = 30_000;
/** Attempts of one AI call that time out: each waited a whole timeout, so two are enough. */
export const MAX_TIMEOUT_ATTEMPTS = 2;
/** What one attempt did, for the call log: the provider calls it made and whether the reply needed repair. */
interface AttemptTrace {
  calls: ProviderCall[];
  repaired: boolean;
}
/** Tokens spent by one attempt (a usage read from the reply, or estimated for a stream cut part-way). */
interface Spent {
  tokensIn: number;
  tokensOut: number;
  model: string;
  estimated?: boolean;
}
/**
 * What the usage log says a job that did not succeed ended with: the reader's sentences for
 * refused and cut-off replies (core/ai/reader.ts) name them.
 */
export function usageOutcome(
  job: Pick<JobRecord, 'status' | 'error'>,
): 'cancelled' | 'refused' | 'truncated' | 'failed' {
  if (job.status === 'cancelled') return 'cancelled';
  if (/the model refused/i.test(job.error ?? '')) return 'refused';
  if (/cut off (?:at|before)/i.test(job.error ?? '')) return 'truncated';
  return 'failed';
}
/** Jobs kept for the progress panel and the polling endpoint. */
const KEEP_JOBS = 200;
/** The message of a job refused at enqueue because the account could not pay for it. */
const REFUSED = 'Not enough credits';
const refusal = (needed: number, available: number) =>
  `This needs ${needed} credits and the account has ${available}. Nothing was queued.`;

export interface EngineDeps {
  env: Env;
  store: JobStore;
  broadcaster: Broadcaster;
  /** The provider-key budgets (ports.ts); default: in memory, this engine alone (unit tests). */
  budget?: KeyBudget;
  now?: () => number;
  random?: () => number;
  /** Asks the platform to call pump() (the Durable Object alarm) at `at`. */
  scheduleAt(at: number): Promise<void>;
  /** The ledger, task log and AI settings (ports.ts): the engine knows no feature. */
  ports: EnginePorts;
  /**
   * The database of a shard (default: its D1 binding in `env`). Plain-Node unit tests pass a
   * SQLite-backed one, so the ledger's real SQL runs without workerd.
   */
  db?: (shard: ShardName) => ShardDb;
  /** The AI functions by name, as the features registered them (features.ts); tests bring their own. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  functions: (name: string) => AiFunctionDefinition<any, any, any>;
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
 *  - every change of a job's status is compare-and-set on (status, version) and is checked again
 *    after every await: a cancel can interleave with any step, and whichever transition lands
 *    first wins; the loser stops without writing;
 *  - a step in flight (reserve, prepare, save) owns its job's settlement: a cancel that lands
 *    during it marks the job cancelled, and the step settles once its own writes are done, so a
 *    hold taken or rows marked after the cancel are still given back;
 *  - every D1 step is idempotent (reserve/settle keys, unique effect keys), so a replayed step
 *    applies nothing twice;
 *  - the job's writes and its capture are one D1 batch: work and price land together or not at
 *    all. A job that fails or is cancelled part-way is charged for the units it delivered (an
 *    article, an image, a cluster's ideas, a batch of keywords) and releases the rest; a unit
 *    still being written when the job ended is taken back, never kept for free.
 */
export class CoordinatorEngine {
  private readonly store: JobStore;
  private readonly budget: KeyBudget;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly functions: EngineDeps['functions'];
  private readonly ports: EnginePorts;
  private readonly db: (shard: ShardName) => ShardDb;
  private readonly providers = new Map<string, ProviderConfig>();
  /** The instructions of each running chat job, read with its data: a call's slot never waits on D1 for them. */
  private readonly prompts = new Map<string, string>();
  /** The AI calls: slots, hand-overs, starting ready calls (call-dispatch.ts). */
  private readonly calls: CallDispatch;
  /** The jobs' D1 steps, a few jobs at a time (step-pipeline.ts). */
  private readonly steps: StepPipeline;
  private pumping: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** Enqueues still being accepted: a duplicate sent meanwhile (same Idempotency-Key) gets the same answer. */
  private readonly accepting = new Map<string, Promise<EnqueueResult>>();
  /** Attempts of each AI call (`job#batch`) that timed out, for MAX_TIMEOUT_ATTEMPTS. */
  private readonly timeouts = new Map<string, number>();

  constructor(private readonly deps: EngineDeps) {
    this.store = deps.store;
    this.budget = deps.budget ?? new LocalKeyBudget();
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.functions = deps.functions;
    this.ports = deps.ports;
    this.db = deps.db ?? ((shard) => shardDb(deps.env, shard));
    this.calls = new CallDispatch({
      store: this.store,
      budget: this.budget,
      now: this.now,
      providers: this.providers,
      pumping: () => this.pumping !== null,
      startCall: (job, batch, cfg, slot) => this.startCall(job, batch, cfg, slot),
    });
    this.steps = new StepPipeline({
      store: this.store,
      now: this.now,
      random: this.random,
      accepting: (jobId) => this.accepting.has(jobId),
      reserve: (job) => this.reserve(job),
      prepare: (job) => this.prepare(job),
      save: (job) => this.save(job),
      prepared: () => void this.calls.dispatch(),
      advance: (job, patch) => this.advance(job, patch),
      stepFailed: (job, error) => void this.finish(job, [job.status], { status: 'failed', message: 'Failed', error }),
      endJob: (jobId) => this.endJob(jobId),
    });
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
      const { balance } = await this.ports.ledger.balanceOf(this.ctx(job).db, job.account_id);
      return {
        ok: false,
        code: 'insufficient_credits',
        needed: job.credits_reserved,
        available: balance,
        message: refusal(job.credits_reserved, balance),
      };
    }
    return { ok: true, job: viewOf(job), replayed: true };
  }

  private async accept(spec: EnqueueSpec): Promise<EnqueueResult> {
    const existing = this.store.getJob(spec.id);
    if (existing) return this.replay(existing);
    const def = this.functions(spec.function);
    const input = def.input.safeParse(spec.input);
    if (!input.success)
      return { ok: false, code: 'invalid_input', message: input.error.issues[0]?.message ?? 'Invalid job input.' };
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
    const refused: { needed: number; available: number }[] = [];
    await this.steps.runStep(
      job,
      'reserve',
      async () => {
        const reserved = await this.reserve(job);
        if (!reserved.ok) refused.push({ needed: reserved.needed, available: reserved.available });
      },
      { retryLater: true },
    );
    if (refused[0]) {
      const { needed, available } = refused[0];
      return { ok: false, code: 'insufficient_credits', needed, available, message: refusal(needed, available) };
    }
    await this.kick();
    return { ok: true, job: viewOf(this.store.getJob(job.id)!), replayed: false };
  }

  async cancel(jobId: string, byName: string): Promise<JobView | null> {
    const job = this.store.getJob(jobId);
    if (!job) return null;
    if (!(CANCELLABLE as readonly string[]).includes(job.status)) return viewOf(job);
    if (!this.finish(job, CANCELLABLE, { status: 'cancelled', message: `Cancelled by ${byName}`, error: null }))
      return viewOf(this.store.getJob(jobId)!);
    await this.endJob(jobId);
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

  /**
   * The periodic sweep (cron → queue → here) asks about holds in D1 that were never settled. A job
   * that can still run keeps its hold; one that ended is settled now; one this coordinator no
   * longer knows (its record lost) can never run again, so its hold is released.
   */
  async sweepHolds(holds: HoldRef[]): Promise<SweepCounts> {
    const counts = { kept: 0, settled: 0, released: 0 };
    for (const hold of holds) {
      const job = this.store.getJob(hold.job_id);
      if (job && !TERMINAL_STATUSES.includes(job.status)) {
        counts.kept++;
      } else if (job && !job.settled && job.status !== 'succeeded') {
        if (!this.steps.stepping.has(job.id)) await this.settle(job);
        counts.settled++;
      } else if (isShardName(hold.shard)) {
        // Unknown, or ended and settled here while D1 missed it: releasing is a no-op after any settlement.
        await runBatch(
          this.db(hold.shard),
          this.ports.ledger.release({
            accountId: hold.account_id,
            jobId: hold.job_id,
            reason: 'the job can no longer run',
          }),
        );
        counts.released++;
      }
    }
    return counts;
  }

  // ------------------------------------------------------------------ the pump

  /** Runs until nothing is runnable now, then schedules the next wake-up. One pump at a time. */
  pump(): Promise<void> {
    if (this.pumping) {
      this.wake?.();
      return this.pumping;
    }
    // A wake-up (the alarm) is the moment to ask every key again, whatever it said before.
    this.calls.forgetRefusals();
    this.pumping = this.pumpLoop().finally(() => {
      this.pumping = null;
    });
    return this.pumping;
  }

  /**
   * Three things run side by side: the jobs' D1 steps (StepPipeline, step-pipeline.ts: a few jobs
   * at a time), the AI calls (CallDispatch, call-dispatch.ts: whenever a slot frees because a call's
   * reply is in, a job becomes ready or a retry falls due, the next call starts at once, not after
   * the storage work of the jobs around it) and this loop, which keeps both going and waits while
   * only I/O is left. The budget's calls stay in flight whenever a call is ready.
   */
  private async pumpLoop() {
    for (;;) {
      this.steps.run(this.now());
      void this.calls.dispatch();
      await this.bookkeeping(this.now());
      await this.calls.dispatch();
      this.steps.run(this.now());
      const stepping = this.steps.busy;
      // Work that became runnable while the steps above awaited I/O (a call finished and its job
      // is saving) runs now: its wake-up may have fired before anyone was waiting for it.
      if (!stepping && this.hasRunnableWork(this.now())) continue;
      // A pass of dispatch() still asking a budget may yet start a call: the pump ends after it.
      if (!stepping && this.calls.inFlight.size === 0 && !this.calls.busy) break;
      if (!stepping && this.calls.inFlight.size === 0) continue;
      // Look again when a call ends, when someone wakes the pump, when a key's budget may have a
      // slot again (another site's call ended, a cool-down passed) or when a retry falls due.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const lookAt = this.nextLookAt();
      const lookAgain = lookAt === null ? [] : [new Promise<void>((resolve) => (timer = setTimeout(resolve, lookAt)))];
      const calls = [...this.calls.inFlight.values()].map((c) => c.done);
      const steps = stepping ? [this.steps.nextEnd()] : [];
      await Promise.race([...calls, ...steps, new Promise<void>((resolve) => (this.wake = resolve)), ...lookAgain]);
      clearTimeout(timer);
      this.wake = null;
    }
    this.store.prune(KEEP_JOBS);
    // Work still due now is calls a key budget refused: they are looked at again when it said. An
    // alarm at once would spin against a key that other sites keep busy.
    const due = this.store.nextWakeAt();
    const retryAt = this.calls.budgetRetryAt();
    const blocked = retryAt !== null && due !== null && due <= this.now();
    const next = [blocked ? null : due, retryAt].filter((t): t is number => t !== null);
    if (next.length) await this.deps.scheduleAt(Math.max(this.now(), Math.min(...next)));
  }

  /** In how many ms the pump should look again without being woken (a refused key, a retry due), or null. */
  private nextLookAt(): number | null {
    const now = this.now();
    const due = this.store.nextWakeAt();
    const times = [this.calls.budgetRetryAt(), due !== null && due > now ? due : null].filter(
      (t): t is number => t !== null,
    );
    return times.length ? Math.max(0, Math.min(...times) - now) : null;
  }

  private hasRunnableWork(now: number) {
    const free = (jobs: JobRecord[]) => jobs.some((job) => !this.steps.stepping.has(job.id));
    return (
      this.steps.reservingNow(now).length > 0 ||
      free(this.store.jobsInStatus('queued', now)) ||
      free(this.store.jobsInStatus('saving', now)) ||
      free(this.store.unsettledJobs(now)) ||
      this.store.pendingBatches(now).some((batch) => this.calls.canStart(batch, now))
    );
  }

  private async kick() {
    this.wake?.();
    await this.deps.scheduleAt(this.now());
  }

  /** The rare steps, one at a time: providers lost with a restart, and holds still to settle. */
  private async bookkeeping(now: number) {
    // After a restart the provider of a running job is resolved again (keys are never stored here).
    for (const job of this.store.jobsInStatus('running', Number.MAX_SAFE_INTEGER)) {
      if (!this.providers.has(job.id)) {
        await this.steps.runStep(job, 'prepare', async () => this.providers.set(job.id, await this.providerOf(job)));
      }
    }
    for (const job of this.store.unsettledJobs(now)) if (!this.steps.stepping.has(job.id)) await this.settle(job);
  }

  // ------------------------------------------------------------------ phases

  private ctx(job: JobRecord): FunctionContext {
    if (!isShardName(job.shard)) throw new Error(`Job ${job.id} has unknown shard ${job.shard}`);
    return {
      env: this.deps.env,
      db: this.db(job.shard),
      accountId: job.account_id,
      siteId: job.site_id,
      userId: job.user_id,
      jobId: job.id,
    };
  }

  private async reserve(job: JobRecord) {
    const ctx = this.ctx(job);
    const result = await this.ports.ledger.reserve(
      ctx.db,
      {
        accountId: job.account_id,
        jobId: job.id,
        amount: job.credits_reserved,
        operation: job.function as AiFunction,
        description: `${job.function} (job ${job.id})`,
      },
      [
        this.ports.taskLog.start({
          accountId: job.account_id,
          siteId: job.site_id,
          jobId: job.id,
          fn: job.function,
          userId: job.user_id,
          payload: job.input,
        }),
      ],
    );
    if (!result.ok) {
      // Never accepted: nothing was held, so nothing to release (a cancel meanwhile keeps its word).
      this.finish(
        job,
        ['reserving'],
        { status: 'failed', message: REFUSED, error: refusal(result.needed, result.available) },
        1,
      );
      return result;
    }
    // Lost to a cancel: StepPipeline.runStep settles, and the hold that just landed is released.
    this.advance(job, {
      status: 'queued',
      message: 'Queued',
      progress: progressOf('INIT', 0.5),
      next_run_at: this.now(),
      step_attempts: 0,
    });
    return result;
  }

  /**
   * The provider a job's calls run with: the account's AI settings, or for a function that does
   * local work (no model) a budget of its own, so it needs no AI key and never takes the key's slots.
   */
  private async providerOf(job: JobRecord): Promise<ProviderConfig> {
    const local = this.functions(job.function).localWork;
    if (local)
      return { apiKey: '', baseURL: '', model: 'local', isDemo: false, keyId: `local:${job.function}`, ...local };
    return this.ports.settings.provider(this.deps.env, this.ctx(job).db, job.account_id, job.function as AiFunction);
  }

  private async prepare(job: JobRecord) {
    const def = this.functions(job.function);
    const ctx = this.ctx(job);
    if (!this.advance(job, { phase: 'INIT', progress: progressOf('INIT', 1), message: 'Validating' })) return;
    const cfg = await this.providerOf(job);
    if (
      !this.advance(job, { phase: 'PREP', progress: progressOf('PREP', 0), message: 'Loading data', model: cfg.model })
    )
      return;
    const [prepared, prompt] = await Promise.all([
      def.prepare(ctx, job.input),
      def.run ? null : this.ports.settings.prompt(ctx.db, job.account_id, def.promptType),
    ]);
    // No call to make would leave the job "running" with nothing to finish it: a job that has
    // nothing to do ends as failed, uncharged, with the function's own words for what it found.
    if (prepared.batches.length === 0) throw new InvalidJobInput(`${prepared.summary}: nothing to do.`);
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
    // Cancelled while prepare() wrote: StepPipeline.runStep settles, and abandon() puts back what it marked.
    if (!this.store.getJob(job.id) || !this.isAt(job, ['queued'])) return;
    this.store.putBatches(batches);
    this.providers.set(job.id, cfg);
    if (prompt) this.prompts.set(job.id, prompt.text);
    this.advance(job, {
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
    if (prepared.changed?.length)
      this.deps.broadcaster.event({ v: 1, type: 'data.changed', entities: prepared.changed, job_id: job.id });
  }

  /** Starts the call of `batch` on `slot`, with its sink (a draft) opened: CallDispatch tracks it. */
  private startCall(job: JobRecord, batch: BatchRecord, cfg: ProviderConfig, slot: Slot): CallInFlight {
    const def = this.functions(job.function);
    const aiBatch = { index: batch.idx, input: batch.input, meta: batch.meta };
    const call: CallInFlight = {
      jobId: job.id,
      controller: new AbortController(),
      sink: def.sink?.(this.deps.env, this.ctx(job), aiBatch) ?? null,
      aborted: false,
      done: Promise.resolve(),
    };
    call.done = this.call(job, batch, cfg, call, slot);
    return call;
  }

  /** One AI call of a running job (its key budget slot, `slot`, is already taken). */
  private async call(job: JobRecord, batch: BatchRecord, cfg: ProviderConfig, inFlight: CallInFlight, slot: Slot) {
    const def = this.functions(job.function);
    const ctx = this.ctx(job);
    const attempt = batch.attempts + 1;
    // Persist before the call: a restart mid-call knows this attempt happened.
    this.store.updateBatch(job.id, batch.idx, { attempts: attempt });
    const aiBatch = { index: batch.idx, input: batch.input, meta: batch.meta };
    const sink = inFlight.sink;
    const override = Number(this.deps.env.AI_CALL_TIMEOUT_MS);
    const streamed = !def.run && !!sink;
    const timeoutMs =
      override ||
      (streamed
        ? STREAM_IDLE_TIMEOUT_MS
        : CALL_TIMEOUT_MS[job.function] || def.callTimeoutMs || DEFAULT_CALL_TIMEOUT_MS);
    let freed: Promise<void> | null = null;
    const trace: AttemptTrace = { calls: [], repaired: false };
    const started = Date.now();
    try {
      let reply: { done: Spent & { parsed: unknown } } | { err: unknown };
      try {
        const done = def.run
          ? await def.run(this.deps.env, ctx, aiBatch, cfg, timeoutMs, inFlight.controller.signal)
          : await this.chatAttempt(job, ctx, def, aiBatch, cfg, timeoutMs, sink, inFlight.controller.signal, trace);
        reply = { done };
      } catch (err) {
        reply = { err };
      }
      if (!def.localWork) this.logAttempt(job, cfg, aiBatch.input, trace, reply, Date.now() - started);
      // The provider is done with this call: its slot goes to the next ready call now.
      if ('done' in reply || reply.err instanceof InvalidReply) freed = this.calls.freeSlot(slot, 'ok', null);
      else {
        const pe = classifyError(reply.err);
        freed = this.calls.freeSlot(slot, pe.kind === 'rate_limited' ? 'rate_limited' : 'error', pe.retryAfterMs);
      }
      if ('done' in reply) await this.delivered(job, batch, inFlight, reply.done);
      else await this.failedAttempt(job, batch, attempt, inFlight, reply.err);
    } finally {
      // Awaited: the slot is free before this call counts as done, so the pump's next look finds it.
      await (freed ?? this.calls.freeSlot(slot, 'error', null));
    }
  }

  /** A reply that came back: it goes to the draft and counts as delivered, if the job still runs. */
  private async delivered(
    job: JobRecord,
    batch: BatchRecord,
    inFlight: CallInFlight,
    done: Spent & { parsed: unknown },
  ) {
    this.timeouts.delete(`${job.id}#${batch.idx}`);
    // Recorded as done only while the job still runs, in the same synchronous step as the check:
    // a job that ended meanwhile settles without this unit, so its output is taken back (its
    // tokens were still spent: they go to the usage log, not charged).
    if (!this.stillCurrent(job)) {
      await this.takeBack(inFlight);
      await this.spent(job.id, batch.idx, done);
      return;
    }
    // The draft gets exactly the parsed reply before the unit counts as delivered (and can be
    // charged): a room that can't take it fails the attempt, which puts the draft back.
    if (inFlight.sink) {
      try {
        await inFlight.sink.finish(done.parsed);
      } catch (err) {
        // The attempt fails like a failed call (retried if it may be), and its draft is put back.
        await this.failedAttempt(job, batch, batch.attempts + 1, inFlight, err);
        return;
      }
      if (!this.stillCurrent(job)) {
        await this.takeBack(inFlight);
        return;
      }
    }
    const before = this.store.batchesOf(job.id).find((b) => b.idx === batch.idx);
    this.store.updateBatch(job.id, batch.idx, {
      status: 'done',
      parsed: done.parsed,
      // What earlier attempts of this call spent (a stream cut part-way, say) stays counted.
      tokens_in: (before?.tokens_in ?? 0) + done.tokensIn,
      tokens_out: (before?.tokens_out ?? 0) + done.tokensOut,
      model: done.model,
      error: null,
    });
    this.afterBatch(job.id);
  }

  /** An attempt that failed: retried after its wait (holding no slot), or the job fails. */
  private async failedAttempt(
    job: JobRecord,
    batch: BatchRecord,
    attempt: number,
    inFlight: CallInFlight,
    err: unknown,
  ) {
    const callKey = `${job.id}#${batch.idx}`;
    // A stream that was cut part-way (a cancel, a silence) still cost its tokens: count them first.
    if (err instanceof ProviderError && err.partial) await this.spent(job.id, batch.idx, err.partial);
    await this.takeBack(inFlight);
    if (err instanceof InvalidReply) {
      await this.fail(job, `The AI reply could not be used: ${err.message}`);
      return;
    }
    const pe = classifyError(err);
    if (!this.stillCurrent(job)) return;
    const timedOut = pe.kind === 'timeout' ? (this.timeouts.get(callKey) ?? 0) + 1 : 0;
    if (timedOut) this.timeouts.set(callKey, timedOut);
    if (timedOut >= MAX_TIMEOUT_ATTEMPTS) {
      this.timeouts.delete(callKey);
      await this.fail(job, `${pe.message} Gave up after ${timedOut} attempts that timed out.`);
    } else if (pe.retryable && attempt < MAX_CALL_ATTEMPTS) {
      const delay = Math.max(
        pe.retryAfterMs ?? 0,
        fullJitterDelay(attempt, this.random, Number(this.deps.env.AI_RETRY_BASE_MS) || 500),
      );
      this.store.updateBatch(job.id, batch.idx, { next_run_at: this.now() + delay, error: pe.message });
      this.advance(job, {
        message:
          `${pe.message} Retrying in ${(delay / 1000).toFixed(1)} s ` +
          `(attempt ${attempt + 1} of ${MAX_CALL_ATTEMPTS}).`,
      });
    } else {
      this.timeouts.delete(callKey);
      await this.fail(
        job,
        attempt >= MAX_CALL_ATTEMPTS && pe.retryable ? `${pe.message} Gave up after ${attempt} attempts.` : pe.message,
      );
    }
  }

  /** Undoes what an unfinished call streamed (once), e.g. the half-written article in its draft. */
  private async takeBack(call: CallInFlight) {
    if (call.aborted) return;
    call.aborted = true;
    await call.sink?.abort().catch((err) => console.warn(`could not take back the output of job ${call.jobId}`, err));
  }

  /** A chat function's attempt: prompt, (streamed) completion, tolerant JSON, the contract. */
  private async chatAttempt(
    job: JobRecord,
    ctx: FunctionContext,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    def: AiFunctionDefinition<any, any, any>,
    aiBatch: { index: number; input: unknown; meta: unknown },
    cfg: ProviderConfig,
    timeoutMs: number,
    sink: SectionSink | null,
    signal: AbortSignal,
    trace: AttemptTrace,
  ) {
    // Read again only after a restart (the cache lives in memory).
    const system =
      this.prompts.get(job.id) ?? (await this.ports.settings.prompt(ctx.db, job.account_id, def.promptType)).text;
    const request = {
      system,
      user: userMessage(`${def.name} for site ${job.site_id}`, aiBatch.input),
      responseFormat: responseFormatFor(def.name as TextAiFunction),
      timeoutMs,
      idleTimeoutMs: timeoutMs,
      signal,
      onCall: (call: ProviderCall) => trace.calls.push(call),
    };
    let reply: ChatResult;
    if (sink) {
      // Streaming is for the people watching the draft: if the room can't take a section the
      // job goes on, and the saved article is still complete.
      const sections = new SectionStream();
      const streamed = await sink.begin().then(
        () => true,
        () => false,
      );
      reply = await chatCompletionStream(cfg, request, async (delta) => {
        for (const s of sections.push(delta)) {
          if (streamed && this.stillCurrent(job)) await sink.section(s.index, s.h2, s.html).catch(() => undefined);
        }
      });
    } else {
      reply = await chatCompletion(cfg, request);
    }
    const usage = { tokensIn: reply.tokensIn, tokensOut: reply.tokensOut, model: reply.model };
    if (!this.stillCurrent(job)) return { parsed: null, ...usage };
    try {
      // A function may read its reply its own way (an article may also come as Markdown or HTML).
      const repaired = def.read ? def.read(reply) : repairJson(reply);
      if (!repaired.ok) throw new InvalidReply(repaired.reason);
      trace.repaired = repaired.repairs.length > 0;
      if (!def.parse) throw new Error(`AI function ${def.name} has neither run() nor parse().`);
      return { parsed: def.parse(repaired.value, aiBatch), ...usage };
    } catch (err) {
      // A refused, cut-off or unusable reply fails the job uncharged, but its tokens were spent.
      await this.spent(job.id, aiBatch.index, usage);
      throw err;
    }
  }

  /**
   * Counts the tokens of an attempt whose output is not delivered (refused, cut off, unusable,
   * cancelled) on its batch and its job, so the settlement logs them, not charged. A job already
   * settled gets them added to its usage row.
   */
  private async spent(jobId: string, idx: number, use: Spent) {
    if (use.tokensIn + use.tokensOut <= 0) return;
    const batch = this.store.batchesOf(jobId).find((b) => b.idx === idx);
    if (batch)
      this.store.updateBatch(jobId, idx, {
        tokens_in: batch.tokens_in + use.tokensIn,
        tokens_out: batch.tokens_out + use.tokensOut,
        model: batch.model || use.model,
      });
    const job = this.store.getJob(jobId);
    if (!job) return;
    const model = job.model || use.model;
    const tokensIn = job.tokens_in + use.tokensIn;
    const tokensOut = job.tokens_out + use.tokensOut;
    this.store.updateJob(jobId, {
      tokens_in: tokensIn,
      tokens_out: tokensOut,
      model,
      cost_usd: costUsd(model, tokensIn, tokensOut),
    });
    if (job.status === 'succeeded' || job.settled)
      await this.lateUsage(job, use.tokensIn, use.tokensOut, use.estimated ?? false);
  }

  /** Tokens that arrived after the job's settlement: added to its usage row (never charged). */
  private async lateUsage(job: JobRecord, tokensIn: number, tokensOut: number, estimated: boolean) {
    if (tokensIn + tokensOut <= 0) return;
    const model = job.model;
    await runBatch(
      this.ctx(job).db,
      this.ports.ledger.lateUsage({
        accountId: job.account_id,
        jobId: job.id,
        usage: {
          operation: job.function as AiFunction,
          model,
          tokens_input: tokensIn,
          tokens_output: tokensOut,
          cost_usd: costUsd(model, tokensIn, tokensOut),
          site_id: job.site_id,
          metadata: { job_id: job.id, outcome: usageOutcome(job), ...(estimated ? { estimated: true } : {}) },
        },
      }),
    ).catch((err: unknown) => console.warn(`could not log the late usage of job ${job.id}`, err));
  }

  /**
   * The call log's row for one attempt, written in the background: logging never fails the job nor
   * holds its slot (the record() port catches its own errors). Functions that run their own provider
   * call (images) are logged from what they return: the request is the batch input, the reply its metadata.
   */
  private logAttempt(
    job: JobRecord,
    cfg: ProviderConfig,
    input: unknown,
    trace: AttemptTrace,
    reply: { done: Spent & { parsed: unknown } } | { err: unknown },
    durationMs: number,
  ) {
    const log = this.ports.callLog;
    if (!log) return;
    const call = trace.calls.at(-1);
    const result = call?.result ?? null;
    const done = 'done' in reply ? reply.done : null;
    const failure = 'err' in reply ? reply.err : null;
    const kind = failure instanceof InvalidReply ? 'unusable_reply' : failure ? classifyError(failure).kind : null;
    const partial = failure instanceof ProviderError ? failure.partial : null;
    const parsed = (done?.parsed ?? null) as { provider?: unknown } | null;
    const entry: AiCallEntry = {
      accountId: job.account_id,
      siteId: job.site_id,
      jobId: job.id,
      userId: job.user_id,
      purpose: job.function,
      provider: typeof parsed?.provider === 'string' ? parsed.provider : cfg.isDemo ? 'demo' : 'openai',
      model: result?.model ?? done?.model ?? partial?.model ?? cfg.model,
      status: failure ? 'error' : 'ok',
      finishReason: kind ?? result?.finishReason ?? 'stop',
      repaired: trace.repaired,
      tokensIn: result?.tokensIn ?? partial?.tokensIn ?? done?.tokensIn ?? 0,
      tokensOut: result?.tokensOut ?? partial?.tokensOut ?? done?.tokensOut ?? 0,
      durationMs: call?.durationMs ?? durationMs,
      error: failure ? (failure instanceof Error ? failure.message : String(failure)).slice(0, 1000) : null,
      request: call?.request ?? { function: job.function, input },
      reply: call
        ? result && {
            content: result.content,
            finish_reason: result.finishReason,
            refusal: result.refusal,
            tool_arguments: result.toolArguments,
            usage: { prompt_tokens: result.tokensIn, completion_tokens: result.tokensOut },
          }
        : parsed,
    };
    void log.record(this.deps.env, this.ctx(job).db, entry);
  }

  private stillCurrent(job: JobRecord) {
    return this.isAt(job, ['running']);
  }

  /** Whether the stored job is still in one of `statuses` at the version `job` was read at. */
  private isAt(job: JobRecord, statuses: readonly JobRecord['status'][]) {
    const current = this.store.getJob(job.id);
    return !!current && current.version === job.version && statuses.includes(current.status);
  }

  private afterBatch(jobId: string) {
    const job = this.store.getJob(jobId)!;
    const batches = this.store.batchesOf(jobId);
    const done = batches.filter((b) => b.status === 'done');
    // Every attempt's tokens, delivered or not (spent() put the others on their batches).
    const tokensIn = batches.reduce((n, b) => n + b.tokens_in, 0);
    const tokensOut = batches.reduce((n, b) => n + b.tokens_out, 0);
    const model = done[0]?.model || job.model;
    const patch: Partial<JobRecord> = {
      batches_done: done.length,
      tokens_in: tokensIn,
      tokens_out: tokensOut,
      model,
      cost_usd: costUsd(model, tokensIn, tokensOut),
      progress: progressOf('AI_CALL', done.length / Math.max(1, job.batches_total)),
      message: this.progressMessage(job, batches, done),
    };
    if (done.length === batches.length)
      Object.assign(patch, {
        status: 'saving',
        phase: 'PARSE',
        progress: progressOf('PARSE', 0),
        message: 'Reading the replies',
        next_run_at: this.now(),
      });
    if (this.advance(job, patch) && patch.status === 'saving') this.wake?.();
  }

  /** The progress panel's sentence after a batch: the function's own words, else "AI call 3 of 10 done". */
  private progressMessage(job: JobRecord, batches: BatchRecord[], done: BatchRecord[]): string {
    const def = this.functions(job.function);
    const asBatch = (b: BatchRecord) => ({ index: b.idx, input: b.input, meta: b.meta });
    return (
      def.progress?.(done.map(asBatch), batches.map(asBatch)) ?? `AI call ${done.length} of ${job.batches_total} done`
    );
  }

  private async save(job: JobRecord) {
    const def = this.functions(job.function);
    const ctx = this.ctx(job);
    const batches = this.store.batchesOf(job.id);
    const prepared = {
      batches: batches.map((b) => ({ index: b.idx, input: b.input, meta: b.meta })),
      summary: job.summary,
    };
    const parsed = batches.map((b) => b.parsed);
    // Work outside D1 that the saved rows depend on lands first; a throw is a failed save step
    // (retried, then the job fails), and the job stays in 'saving' meanwhile (not cancellable).
    if (def.commit) await def.commit(ctx, prepared, parsed);
    const outcome = def.save(ctx, prepared, parsed);
    this.advance(job, { phase: 'SAVE', progress: progressOf('SAVE', 0.3), message: 'Saving results' });
    const charge = Math.min(outcome.charge, job.credits_reserved);
    const durationMs = this.now() - job.created_at;
    await runBatch(ctx.db, [
      ...outcome.statements,
      ...this.ports.ledger.capture({
        accountId: job.account_id,
        jobId: job.id,
        charge,
        description: `${job.function}: ${job.summary}`.slice(0, 500),
        usage: {
          operation: job.function as AiFunction,
          model: job.model,
          tokens_input: job.tokens_in,
          tokens_output: job.tokens_out,
          cost_usd: job.cost_usd,
          site_id: job.site_id,
          metadata: { job_id: job.id, outcome: 'succeeded' },
        },
      }),
      this.ports.taskLog.finish({
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
    this.finish(
      job,
      ['saving'],
      { status: 'succeeded', message: 'Done', error: null, result: outcome.result, credits_charged: charge },
      1,
    );
    this.deps.broadcaster.event({ v: 1, type: 'data.changed', entities: outcome.changed, job_id: job.id });
    await this.deliver(def, ctx, prepared.batches, parsed);
  }

  /** Effects outside D1 of units that were saved and charged (images shown in their drafts); best effort. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async deliver(
    def: AiFunctionDefinition<any, any, any>,
    ctx: FunctionContext,
    batches: { index: number; input: unknown; meta: unknown }[],
    parsed: unknown[],
  ) {
    if (!def.delivered) return;
    await def
      .delivered(ctx, batches, parsed)
      .catch((err: unknown) => console.warn(`delivering the results of job ${ctx.jobId} outside D1 failed`, err));
  }

  private async fail(job: JobRecord, error: string) {
    if (!this.finish(job, ['running'], { status: 'failed', message: 'Failed', error })) return;
    await this.endJob(job.id);
  }

  /**
   * A job just ended (failed or cancelled): stop its other AI calls and take back what they
   * streamed, then settle, unless a D1 step of the job is still running (it settles when done).
   */
  private async endJob(jobId: string) {
    this.providers.delete(jobId);
    this.prompts.delete(jobId);
    this.calls.forget(jobId);
    for (const key of this.timeouts.keys()) if (key.startsWith(`${jobId}#`)) this.timeouts.delete(key);
    const calls = this.calls.callsOf(jobId);
    for (const call of calls) call.controller.abort();
    await Promise.all(calls.map((call) => this.takeBack(call)));
    const job = this.store.getJob(jobId);
    if (job && !this.steps.stepping.has(jobId)) await this.settle(job);
  }

  /**
   * Settles a failed or cancelled job (idempotent, retried by the pump until it lands): the units
   * that were delivered are saved and charged, the rest of the hold is released, and what
   * prepare() marked for the rest is put back — all in one D1 batch with the task-log close.
   */
  private async settle(job: JobRecord) {
    if (job.settled || !TERMINAL_STATUSES.includes(job.status) || job.status === 'succeeded') return;
    try {
      await this.trySettle(job);
    } catch (err) {
      const attempts = job.step_attempts + 1;
      console.error(
        JSON.stringify({
          level: 'error',
          message: 'settling a job failed; will retry',
          job_id: job.id,
          attempt: attempts,
          error: (err as Error)?.stack ?? String(err),
        }),
      );
      this.store.updateJob(job.id, {
        step_attempts: attempts,
        next_run_at: this.now() + fullJitterDelay(attempts, this.random, 1000, 15_000),
      });
    }
  }

  private async trySettle(job: JobRecord) {
    // The tokens as of now (a call cut by the end of the job may have counted its own since `job` was read).
    const spentBefore = this.store.getJob(job.id);
    if (spentBefore)
      job = {
        ...job,
        tokens_in: spentBefore.tokens_in,
        tokens_out: spentBefore.tokens_out,
        cost_usd: spentBefore.cost_usd,
        model: spentBefore.model,
      };
    const def = this.functions(job.function);
    const ctx = this.ctx(job);
    const batches = this.store.batchesOf(job.id);
    const done = batches.filter((b) => b.status === 'done');
    // Past MAX_SETTLE_ATTEMPTS the delivered units can't be saved (the save itself keeps failing):
    // release everything and take the units back, rather than hold the credits forever.
    const givingUp = job.step_attempts >= MAX_SETTLE_ATTEMPTS;
    const deliveredBatches = givingUp ? [] : done;
    const delivered = deliveredBatches.map((b) => ({ index: b.idx, input: b.input, meta: b.meta }));
    const parsed = deliveredBatches.map((b) => b.parsed);
    const outcome = delivered.length ? def.save(ctx, { batches: delivered, summary: job.summary }, parsed) : null;
    const charge = outcome ? Math.min(outcome.charge, job.credits_reserved) : 0;
    const sentence = describeDelivery(def, delivered.length, job.batches_total, charge);
    const ended = job.status === 'cancelled' ? 'cancelled' : 'failed';
    const undo = def.abandon?.(ctx, job.input, { status: ended, reason: job.error ?? job.message });
    const result = {
      ...(outcome?.result ?? {}),
      delivered: delivered.length,
      total: job.batches_total,
      credits_charged: charge,
      delivery: sentence,
    };
    // Every token the job's calls spent, charged or not (a refused or cut-off reply, a cancelled stream).
    // A job charged for part of its work also says what its undelivered calls cost.
    const undelivered = batches.filter((b) => !deliveredBatches.includes(b));
    const unchargedIn = undelivered.reduce((n, b) => n + b.tokens_in, 0);
    const unchargedOut = undelivered.reduce((n, b) => n + b.tokens_out, 0);
    const uncharged =
      outcome && unchargedIn + unchargedOut > 0
        ? {
            uncharged_tokens_input: unchargedIn,
            uncharged_tokens_output: unchargedOut,
            uncharged_cost_usd: costUsd(job.model, unchargedIn, unchargedOut),
          }
        : {};
    const usage: UsageRecord = {
      operation: job.function as AiFunction,
      model: job.model,
      tokens_input: job.tokens_in,
      tokens_output: job.tokens_out,
      cost_usd: job.cost_usd,
      site_id: job.site_id,
      metadata: {
        job_id: job.id,
        ended,
        outcome: usageOutcome(job),
        delivered: delivered.length,
        total: job.batches_total,
        ...uncharged,
      },
    };
    await runBatch(ctx.db, [
      ...(outcome
        ? [
            ...outcome.statements,
            ...this.ports.ledger.capture({
              accountId: job.account_id,
              jobId: job.id,
              charge,
              description: `${job.function} ${ended}: ${sentence}`.slice(0, 500),
              usage,
            }),
          ]
        : this.ports.ledger.release({
            accountId: job.account_id,
            jobId: job.id,
            reason: job.error ?? job.message,
            usage,
          })),
      ...(undo?.statements ?? []),
      this.ports.taskLog.finish({
        accountId: job.account_id,
        jobId: job.id,
        status: ended,
        phase: job.phase,
        message: `${job.message}: ${sentence}`.slice(0, 500),
        attempts: batches.reduce((n, b) => n + b.attempts, 0),
        tokensIn: job.tokens_in,
        tokensOut: job.tokens_out,
        costUsd: job.cost_usd,
        durationMs: (job.finished_at ?? this.now()) - job.created_at,
        error: job.error,
        result,
      }),
    ]);
    if (givingUp) {
      // The drafts of units that were never charged go back to what they were before the job.
      for (const b of done)
        await def
          .sink?.(this.deps.env, ctx, { index: b.idx, input: b.input, meta: b.meta })
          .abort()
          .catch(() => undefined);
    }
    // Tokens counted while the batch above was in flight missed it: they are added to the row now.
    const spentAfter = this.store.getJob(job.id);
    this.update(job.id, { settled: 1, credits_charged: charge, result, message: `${job.message}: ${sentence}` });
    if (spentAfter)
      await this.lateUsage(
        { ...spentAfter, settled: 1 },
        spentAfter.tokens_in - job.tokens_in,
        spentAfter.tokens_out - job.tokens_out,
        false,
      );
    const changed = [...new Set([...(outcome?.changed ?? []), ...(undo?.changed ?? [])])];
    if (changed.length) this.deps.broadcaster.event({ v: 1, type: 'data.changed', entities: changed, job_id: job.id });
    if (outcome) await this.deliver(def, ctx, delivered, parsed);
  }

  // ------------------------------------------------------------------ state + events

  /** Writes and announces a job's state unconditionally (bookkeeping of a job that has ended). */
  private update(jobId: string, patch: Partial<JobRecord>) {
    this.store.updateJob(jobId, { ...patch, updated_at: this.now() });
    const job = this.store.getJob(jobId);
    if (job) this.deps.broadcaster.job(viewOf(job));
  }

  /**
   * Moves a job on from the state `job` was read in (same status, same version) and announces it;
   * false, writing nothing, when another transition (a cancel) got there first.
   */
  private advance(job: JobRecord, patch: Partial<JobRecord>): boolean {
    const moved = this.store.transition(
      job.id,
      { status: [job.status], version: job.version },
      { ...patch, updated_at: this.now() },
    );
    if (moved) {
      const current = this.store.getJob(job.id);
      if (current) this.deps.broadcaster.job(viewOf(current));
    }
    return moved;
  }

  /** Ends a job if it is still in one of `from` at the version it was read at; false if another transition won. */
  private finish(
    job: JobRecord,
    from: readonly JobRecord['status'][],
    end: {
      status: 'succeeded' | 'failed' | 'cancelled';
      message: string;
      error: string | null;
      result?: Record<string, unknown>;
      credits_charged?: number;
    },
    settled = 0,
  ): boolean {
    const current = this.store.getJob(job.id);
    if (!current) return false;
    const phase: Phase = end.status === 'succeeded' ? 'DONE' : current.phase;
    const moved = this.store.transition(
      job.id,
      { status: from, version: job.version },
      {
        status: end.status,
        phase,
        progress: end.status === 'succeeded' ? 100 : current.progress,
        message: end.message,
        error: end.error,
        result: end.result ?? null,
        credits_charged: end.credits_charged ?? (end.status === 'succeeded' ? current.credits_charged : 0),
        version: job.version + 1,
        settled,
        step_attempts: 0,
        next_run_at: this.now(),
        finished_at: this.now(),
        updated_at: this.now(),
      },
    );
    if (!moved) return false;
    this.providers.delete(job.id);
    this.prompts.delete(job.id);
    this.calls.forget(job.id);
    this.deps.broadcaster.job(viewOf(this.store.getJob(job.id)!));
    return true;
  }

  publish(event: CoordinatorEvent) {
    this.deps.broadcaster.event(event);
  }
}

/** The user message: the instructions' companion, with the function's input as a fenced JSON block. */
function userMessage(intro: string, input: unknown): string {
  return `${intro}\n\nINPUT:\n\`\`\`json\n${JSON.stringify(input, null, 2)}\n\`\`\``;
}
