import type { AiFunction, PromptType } from '../../../core/domain/enums';
import type { Statement } from '../../../worker/db/batch';
import type { ShardDb } from '../../../worker/db/shards';
import type { Env } from '../../../worker/env';
import type { ProviderConfig } from '../../../worker/lib/ai-provider';

/**
 * What the job engine needs from the rest of the app, as interfaces: the engine knows no feature.
 * The SiteCoordinator class plugs the features in (features.ts): billing's ledger, system's task
 * log and AI settings, and the AI functions the planner and writer register. Tests plug in their
 * own. Every method that writes returns D1 statements, so the engine can put a money movement, the
 * function's rows and the audit row in ONE batch (D1 has no interactive transactions).
 */
export interface EnginePorts {
  ledger: CreditLedger;
  taskLog: TaskLog;
  settings: AiSettings;
  /** The AI call log (worker/system/ai-call-log.ts): one row per attempt. Optional: unit tests leave it out. */
  callLog?: AiCallLog;
}

/** One attempt of one AI call, as the call log records it. Never holds an API key. */
export interface AiCallEntry {
  accountId: number;
  siteId: number | null;
  jobId: string | null;
  userId: number | null;
  purpose: string;
  provider: string;
  model: string;
  status: 'ok' | 'error';
  /** The provider's finish reason, or the failure's kind. */
  finishReason: string;
  repaired: boolean;
  tokensIn: number;
  tokensOut: number;
  durationMs: number;
  error: string | null;
  /** What was sent (model, messages, schema) and what came back (text, or an image's size). */
  request: unknown;
  reply: unknown;
}

export interface AiCallLog {
  /** Writes the row and its R2 body. Never throws: a log that can't be written must not fail the job. */
  record(env: Env, db: ShardDb, entry: AiCallEntry): Promise<void>;
}

/** The account's credits: holds taken when a job is accepted, settled when it ends. */
export interface CreditLedger {
  balanceOf(db: ShardDb, accountId: number): Promise<{ balance: number }>;
  /** Takes the hold (idempotent per job); `extra` statements run in the same batch. */
  reserve(db: ShardDb, hold: HoldRequest, extra?: Statement[]): Promise<ReserveResult>;
  /** Settles the hold by charging `charge` (at most what was held) and puts the rest back. */
  capture(input: {
    accountId: number;
    jobId: string;
    charge: number;
    description: string;
    usage: UsageRecord;
  }): Statement[];
  /** Puts the whole hold back; the usage, if any tokens were spent, is logged as not charged. */
  release(input: { accountId: number; jobId: string; reason: string; usage?: UsageRecord | null }): Statement[];
  /** Tokens spent after the job was settled (a call that finished after a cancel): logged, never charged. */
  lateUsage(input: { accountId: number; jobId: string; usage: UsageRecord }): Statement[];
}

export interface HoldRequest {
  accountId: number;
  jobId: string;
  amount: number;
  operation: AiFunction;
  description: string;
}

export type ReserveResult =
  | { ok: true; reserved: number; balance: number; replayed: boolean }
  | { ok: false; needed: number; available: number };

/** One AI job's usage as the credit usage log records it. */
export interface UsageRecord {
  operation: AiFunction;
  model: string;
  tokens_input: number;
  tokens_output: number;
  cost_usd: number;
  site_id: number | null;
  related_object_type?: string | null;
  related_object_id?: number | null;
  metadata?: Record<string, unknown>;
}

/** The seed's AITaskLog: a row per job, opened with the hold and closed with the settlement. */
export interface TaskLog {
  start(t: TaskLogStart): Statement;
  finish(t: TaskLogFinish): Statement;
}

export interface TaskLogStart {
  accountId: number;
  siteId: number;
  jobId: string;
  fn: string;
  userId: number;
  payload: unknown;
}

export interface TaskLogFinish {
  accountId: number;
  jobId: string;
  status: 'running' | 'succeeded' | 'failed' | 'cancelled';
  phase: string;
  message: string;
  attempts: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  durationMs: number;
  error: string | null;
  result: unknown;
}

/** The account's AI configuration: which provider and model a function uses, and its instructions. */
export interface AiSettings {
  /** Throws ProviderNotConfigured when the account can't call a model (the job fails, uncharged). */
  provider(env: Env, db: ShardDb, accountId: number, fn: AiFunction): Promise<ProviderConfig>;
  prompt(db: ShardDb, accountId: number, type: PromptType): Promise<{ text: string }>;
}

/** No provider is configured or its key can't be read: a permanent failure, never retried. */
export class ProviderNotConfigured extends Error {}

/**
 * The budget of one provider key of one account (concurrency, requests per minute, overload
 * control), shared by every site of the account: a key's limits are the provider's, and the
 * provider counts the account's calls, not a site's. The SiteCoordinator plugs in the AiBudget
 * object (durable-objects/ai-budget/); unit tests use an in-memory KeyLimiter (limiter.ts).
 */
export interface KeyBudget {
  /** Takes a slot for one call; `retryAt: null` means "when some call of this key ends" (maybe elsewhere). */
  tryAcquire(key: BudgetKey, limits: KeyLimits, now: number): Promise<BudgetGrant>;
  /** Gives the slot back with how the call went (429s drive the overload control). Never throws. */
  release(key: BudgetKey, lease: string, outcome: CallOutcome, now: number, retryAfterMs: number | null): Promise<void>;
  /**
   * Gives a slot back and asks for one for the next call of the same key, in one round trip (the
   * engine keeps its slots busy without a release and an ask per call). Never throws.
   */
  handOver?(
    key: BudgetKey,
    lease: string,
    outcome: CallOutcome,
    now: number,
    retryAfterMs: number | null,
    limits: KeyLimits,
  ): Promise<BudgetGrant>;
}

/** Which budget: `keyId` is a hash of the key (ProviderConfig.keyId), never the key. */
export interface BudgetKey {
  accountId: number;
  keyId: string;
}

export interface KeyLimits {
  maxConcurrency: number;
  requestsPerMinute: number;
}

export type BudgetGrant = { ok: true; lease: string } | { ok: false; retryAt: number | null };

/** How a call ended, for the overload control: only 'rate_limited' and 'ok' are counted. */
export type CallOutcome = 'ok' | 'rate_limited' | 'error';
