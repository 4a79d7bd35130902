import type { JobView } from '../../core/ai/jobs';
import type { Broadcaster } from '../../durable-objects/site-coordinator/engine/broadcaster';
import { CoordinatorEngine, type EngineDeps } from '../../durable-objects/site-coordinator/engine/engine';
import { MemoryJobStore } from '../../durable-objects/site-coordinator/engine/memory-job-store';
import type { AiSettings, EnginePorts } from '../../durable-objects/site-coordinator/engine/ports';
import { creditLedger, grantCredits } from '../../worker/billing/ledger';
import type { Env } from '../../worker/env';
import type { ProviderConfig } from '../../worker/lib/ai-provider';
import { taskLog } from '../../worker/system/task-log';
import { memoryShard } from './sqlite-d1';

/**
 * The job engine in plain Node: the in-memory job store, the REAL ledger and task-log SQL on an
 * in-memory SQLite shard (migrations/shard applied), fixed AI settings (no key, no network) and
 * a broadcaster that records what members would see. Retries wait 0 ms (random() = 0).
 */
export const TEST_PROVIDER: ProviderConfig = {
  apiKey: 'test-key',
  baseURL: 'http://127.0.0.1:9/v1',
  model: 'test-model',
  isDemo: true,
  keyId: 'test-key-id',
  maxConcurrency: 4,
  requestsPerMinute: 6000,
};

const settings: AiSettings = {
  provider: async () => TEST_PROVIDER,
  prompt: async () => ({ text: 'You are a test.' }),
};

export const SHARD = 'DB_SHARD_0' as const;

export function engineHarness(functions: EngineDeps['functions']) {
  const { d1, db } = memoryShard();
  const store = new MemoryJobStore();
  const seen: JobView[] = [];
  const broadcaster = { job: (view: JobView) => void seen.push(view), event: () => undefined, flush: () => undefined };
  const ports: EnginePorts = { ledger: creditLedger, taskLog, settings };
  const engine = new CoordinatorEngine({
    env: {} as Env,
    store,
    broadcaster: broadcaster as unknown as Broadcaster,
    scheduleAt: async () => undefined,
    ports,
    functions,
    db: () => db,
    random: () => 0,
  });
  /** The rows of a query on the shard (tests read the ledger and the task log directly). */
  const rows = (query: string, ...params: (string | number)[]) =>
    d1.sqlite.prepare(query).all(...params) as Record<string, unknown>[];
  return {
    engine,
    store,
    seen,
    d1,
    db,
    rows,
    grant: (accountId: number, amount: number) =>
      grantCredits(db, { accountId, amount, key: `grant:${accountId}:${amount}`, description: 'test grant' }),
    balance: (accountId: number) =>
      (rows('SELECT balance, reserved FROM credit_balances WHERE account_id = ?', accountId)[0] ?? {
        balance: 0,
        reserved: 0,
      }) as { balance: number; reserved: number },
  };
}
