import type { z } from 'zod';
import type { ReadResult, ReplyEnvelope } from '../../../core/ai/reader';
import type { AiFunction, PromptType } from '../../../core/domain/enums';
import type { DataEntity } from '../../../core/realtime/events';
import type { Statement } from '../../../worker/db/batch';
import type { ShardDb } from '../../../worker/db/shards';
import type { Env } from '../../../worker/env';
import type { ProviderConfig } from '../../../worker/lib/ai-provider';

/**
 * An AI function (the seed's BaseAIFunction): what to hold, what to load, what to ask, how to read
 * the reply and what to write. The SiteCoordinator runs every function through the same six
 * phases; a function never calls the model or touches credits itself.
 */
export interface FunctionContext {
  /** The Worker's bindings (R2, the DraftRoom namespace) for steps that touch more than D1. */
  env: Env;
  db: ShardDb;
  accountId: number;
  siteId: number;
  userId: number;
  jobId: string;
}

/** One AI call: `input` goes to the model as the fenced JSON block; `meta` stays with us. */
export interface AiBatch<Meta = unknown> {
  index: number;
  input: unknown;
  meta: Meta;
}

export interface Prepared<Meta = unknown> {
  batches: AiBatch<Meta>[];
  /** What the progress panel says the job is doing, e.g. "Clustering 300 keywords in 2 sectors". */
  summary: string;
  /** What prepare() already wrote (drafts created, tasks marked in progress): announced at once. */
  changed?: DataEntity[];
}

/** Putting back what prepare() marked, when the job fails or is cancelled. */
export interface AbandonOutcome {
  /** Idempotent writes, run in the same D1 batch as the job's task-log close. */
  statements: Statement[];
  changed: DataEntity[];
}

export interface SaveOutcome {
  /** The job's writes: run in ONE D1 batch together with the credit capture. Must be idempotent. */
  statements: Statement[];
  /** Credits to charge (at most what was reserved). */
  charge: number;
  result: Record<string, unknown>;
  changed: DataEntity[];
}

/** How a job that did not succeed ended, for abandon(). */
export interface JobEnding {
  status: 'failed' | 'cancelled';
  /** The job's error, or its message ("Cancelled by Ann") when it has none. */
  reason: string;
}

/** The model's reply broke the contract (wrong shape, nothing usable): the job fails cleanly. */
export class InvalidReply extends Error {}
/** The job's input no longer makes sense (e.g. every keyword was deleted meanwhile). */
export class InvalidJobInput extends Error {}

/** Where a streaming function puts the reply while it arrives (the writer: the shared draft). */
export interface SectionSink<Parsed = unknown> {
  begin(): Promise<void>;
  section(index: number, h2: string, html: string): Promise<void>;
  /**
   * The reply was parsed: the sink ends up holding exactly `parsed` (whatever streamed), before the
   * unit is recorded as delivered; throwing fails the attempt (and abort() puts the draft back).
   */
  finish(parsed: Parsed): Promise<void>;
  /** The attempt failed: undo what was streamed. */
  abort(): Promise<void>;
}

export interface AiFunctionDefinition<Input, Meta, Parsed> {
  name: AiFunction;
  promptType: PromptType;
  /**
   * What one AI call (batch) delivers, plural: "articles", "images". A job that fails or is
   * cancelled part-way is charged for its delivered units and says "2 of 5 articles delivered".
   */
  unitPlural: string;
  input: z.ZodType<Input>;
  /** Credits held when the job is accepted (the most it can cost). */
  reserve(input: Input): number;
  prepare(ctx: FunctionContext, input: Input): Promise<Prepared<Meta>>;
  /** Chat functions: validates one reply (already JSON-repaired) against the contract and our data. */
  parse?(reply: unknown, batch: AiBatch<Meta>): Parsed;
  /**
   * The job's writes for the batches given: all of them when the job succeeds, only the delivered
   * ones when it failed or was cancelled part-way (their charge must count only those).
   */
  save(ctx: FunctionContext, prepared: Prepared<Meta>, parsed: Parsed[]): SaveOutcome;
  /**
   * Effects outside D1 of units that were saved and charged (e.g. showing images in their drafts),
   * run after the save landed. Best effort: what it fails to do must not lose the saved work.
   */
  delivered?(ctx: FunctionContext, batches: AiBatch<Meta>[], parsed: Parsed[]): Promise<void>;
  /**
   * Runs once after every batch was delivered and before save(), for work that must land before the
   * job's D1 batch (e.g. writing a file outside D1 that the saved rows point to). Must be
   * idempotent: a failed save step runs it again; if it keeps throwing the job fails (settle, then
   * abandon(), as for any failure).
   */
  commit?(ctx: FunctionContext, prepared: Prepared<Meta>, parsed: Parsed[]): Promise<void>;
  /** What the progress panel says after each delivered batch (default "AI call 3 of 10 done"). */
  progress?(done: AiBatch<Meta>[], all: AiBatch<Meta>[]): string;
  /**
   * Failed or cancelled: rows prepare() marked as in progress go back (tasks re-queued, images
   * failed). `ended` says how the job ended and why, for a record that keeps the reason.
   */
  abandon?(ctx: FunctionContext, input: Input, ended?: JobEnding): AbandonOutcome;
  /** Per-attempt timeout of one AI call, when the default (60 s) is too short (long articles). */
  callTimeoutMs?: number;
  /**
   * Functions that are not a chat (images) make their own provider call and return the parsed
   * result; provider errors they throw are retried like any other (ProviderError).
   */
  run?(
    env: Env,
    ctx: FunctionContext,
    batch: AiBatch<Meta>,
    provider: ProviderConfig,
    timeoutMs: number,
    /** Aborted when the job ends (cancelled, or failed elsewhere) while the call is in flight. */
    signal: AbortSignal,
  ): Promise<{ parsed: Parsed; tokensIn: number; tokensOut: number; model: string }>;
  /**
   * A function whose run() calls no provider (a deploy renders files): it needs no AI settings (an
   * account without a key can run it) and its calls share this budget of their own, never the
   * slots of the account's AI key.
   */
  localWork?: { maxConcurrency: number; requestsPerMinute: number };
  /** Streaming functions: the reply's sections go here as they complete. */
  sink?(env: Env, ctx: FunctionContext, batch: AiBatch<Meta>): SectionSink<Parsed>;
  /** How the reply becomes a candidate value for parse() (default: the tolerant JSON reader, repairJson). */
  read?(reply: ReplyEnvelope): ReadResult;
}

/** Splits a list into chunks, e.g. to stay under D1's 100 bound parameters per statement. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** AI functions by name: each feature registers its own (worker/planner/ai, worker/writer/ai). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AiFunctionRegistry = Partial<Record<AiFunction, AiFunctionDefinition<any, any, any>>>;
