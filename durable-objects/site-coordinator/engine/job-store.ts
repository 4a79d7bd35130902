import type { JobStatus, Phase } from '../../../core/ai/jobs';

/**
 * The coordinator's persistent state behind a small interface, so the engine can be tested with
 * an in-memory store and runs on the Durable Object's SQLite in production. Rows are versioned
 * (`SCHEMA_VERSION`) so the stored format can change with a migration.
 */
export const SCHEMA_VERSION = 2;

export interface JobRecord {
  id: string;
  account_id: number;
  /** The account's shard binding (from the directory when the job was accepted). */
  shard: string;
  site_id: number;
  user_id: number;
  user_name: string;
  function: string;
  input: unknown;
  status: JobStatus;
  phase: Phase;
  progress: number;
  message: string;
  summary: string;
  credits_reserved: number;
  credits_charged: number | null;
  batches_total: number;
  batches_done: number;
  /** Attempts of the current D1 step (reserve, prepare or save), reset when a step succeeds. */
  step_attempts: number;
  next_run_at: number;
  error: string | null;
  result: Record<string, unknown> | null;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  model: string;
  /** Bumped by cancel: a call that returns to a job whose version moved on is discarded. */
  version: number;
  retry_of: string | null;
  /** Credits of a failed or cancelled job released (1), or still to release (0). */
  settled: number;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface BatchRecord {
  job_id: string;
  idx: number;
  input: unknown;
  meta: unknown;
  status: 'pending' | 'done';
  attempts: number;
  next_run_at: number;
  parsed: unknown;
  tokens_in: number;
  tokens_out: number;
  model: string;
  error: string | null;
}

/** What a compare-and-set transition expects of the stored job. */
export interface JobExpectation {
  status: readonly JobStatus[];
  /** The version the caller read; a cancel bumps it, so a stale writer loses. */
  version: number;
}

export interface JobStore {
  insertJob(job: JobRecord): boolean;
  getJob(id: string): JobRecord | null;
  updateJob(id: string, patch: Partial<JobRecord>): void;
  /**
   * Compare-and-set: applies `patch` only if the job is still in one of `expect.status` at
   * `expect.version`; false when another transition won (the caller must stop).
   */
  transition(id: string, expect: JobExpectation, patch: Partial<JobRecord>): boolean;
  listJobs(limit: number): JobRecord[];
  jobsInStatus(status: JobStatus, now: number): JobRecord[];
  putBatches(batches: BatchRecord[]): void;
  batchesOf(jobId: string): BatchRecord[];
  updateBatch(jobId: string, idx: number, patch: Partial<BatchRecord>): void;
  /** Pending AI calls of running jobs, oldest job first. */
  pendingBatches(now: number): BatchRecord[];
  /** The earliest future time something becomes runnable (for the next alarm), or null. */
  nextWakeAt(): number | null;
  /** Failed or cancelled jobs whose hold is not settled yet, due at `now`. */
  unsettledJobs(now: number): JobRecord[];
  /**
   * Drops batch payloads of settled jobs and all but the newest `keep` settled jobs. A job whose
   * credits are not settled is never dropped: its batches are what a partial settlement charges for.
   */
  prune(keep: number): void;
}

const JSON_FIELDS_JOB = ['input', 'result'] as const;
/** Finished and nothing left to settle: succeeded (captured with its save), or released/charged. */
const SETTLED_SQL = `(status = 'succeeded' OR (status IN ('failed', 'cancelled') AND settled = 1))`;
/** The same rule for the in-memory store. */
export const isSettled = (job: Pick<JobRecord, 'status' | 'settled'>) =>
  job.status === 'succeeded' || ((job.status === 'failed' || job.status === 'cancelled') && job.settled === 1);
const JSON_FIELDS_BATCH = ['input', 'meta', 'parsed'] as const;

function decode<T>(row: Record<string, unknown>, fields: readonly string[]): T {
  const out: Record<string, unknown> = { ...row };
  for (const f of fields) out[f] = row[f] == null ? null : JSON.parse(String(row[f]));
  return out as T;
}

function encode(patch: Record<string, unknown>, fields: readonly string[]) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch))
    out[k] = (fields as readonly string[]).includes(k) ? (v == null ? null : JSON.stringify(v)) : v;
  return out;
}

/** SqlStorage-backed store (Durable Object SQLite; synchronous, so each method is atomic). */
export class SqlJobStore implements JobStore {
  constructor(private readonly sql: SqlStorage) {
    this.migrate();
  }

  private migrate() {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    const row = this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`).toArray()[0];
    const version = row ? Number(row.value) : 0;
    if (version >= SCHEMA_VERSION) return;
    // v2: the retry counter of the reserve/prepare/save steps was misnamed save_attempts.
    if (version === 1) this.sql.exec(`ALTER TABLE jobs RENAME COLUMN save_attempts TO step_attempts`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS jobs (
      id TEXT PRIMARY KEY, account_id INTEGER NOT NULL, shard TEXT NOT NULL, site_id INTEGER NOT NULL,
      user_id INTEGER NOT NULL, user_name TEXT NOT NULL,
      function TEXT NOT NULL, input TEXT NOT NULL, status TEXT NOT NULL, phase TEXT NOT NULL, progress INTEGER NOT NULL,
      message TEXT NOT NULL, summary TEXT NOT NULL, credits_reserved INTEGER NOT NULL, credits_charged INTEGER,
      batches_total INTEGER NOT NULL, batches_done INTEGER NOT NULL, step_attempts INTEGER NOT NULL,
      next_run_at INTEGER NOT NULL,
      error TEXT, result TEXT, tokens_in INTEGER NOT NULL, tokens_out INTEGER NOT NULL, cost_usd REAL NOT NULL,
      model TEXT NOT NULL,
      version INTEGER NOT NULL, retry_of TEXT, settled INTEGER NOT NULL, created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL, finished_at INTEGER)`);
    this.sql.exec(`CREATE INDEX IF NOT EXISTS jobs_status_idx ON jobs (status, next_run_at)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS batches (
      job_id TEXT NOT NULL, idx INTEGER NOT NULL, input TEXT, meta TEXT, status TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      next_run_at INTEGER NOT NULL, parsed TEXT, tokens_in INTEGER NOT NULL, tokens_out INTEGER NOT NULL,
      model TEXT NOT NULL,
      error TEXT, PRIMARY KEY (job_id, idx))`);
    this.sql.exec(`CREATE INDEX IF NOT EXISTS batches_pending_idx ON batches (status, next_run_at)`);
    this.sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)`, String(SCHEMA_VERSION));
  }

  insertJob(job: JobRecord): boolean {
    const row = encode(job as unknown as Record<string, unknown>, JSON_FIELDS_JOB);
    const cols = Object.keys(row);
    const cursor = this.sql.exec(
      `INSERT OR IGNORE INTO jobs (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
      ...Object.values(row),
    );
    return cursor.rowsWritten > 0;
  }

  getJob(id: string): JobRecord | null {
    const row = this.sql.exec(`SELECT * FROM jobs WHERE id = ?`, id).toArray()[0];
    return row ? decode<JobRecord>(row, JSON_FIELDS_JOB) : null;
  }

  updateJob(id: string, patch: Partial<JobRecord>) {
    const row = encode({ ...patch, updated_at: patch.updated_at ?? Date.now() }, JSON_FIELDS_JOB);
    const cols = Object.keys(row);
    this.sql.exec(`UPDATE jobs SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`, ...Object.values(row), id);
  }

  transition(id: string, expect: JobExpectation, patch: Partial<JobRecord>): boolean {
    if (!expect.status.length) return false;
    const row = encode({ ...patch, updated_at: patch.updated_at ?? Date.now() }, JSON_FIELDS_JOB);
    const cols = Object.keys(row);
    const cursor = this.sql.exec(
      `UPDATE jobs SET ${cols.map((c) => `${c} = ?`).join(', ')}
       WHERE id = ? AND version = ? AND status IN (${expect.status.map(() => '?').join(', ')})`,
      ...Object.values(row),
      id,
      expect.version,
      ...expect.status,
    );
    return cursor.rowsWritten > 0;
  }

  listJobs(limit: number): JobRecord[] {
    return this.sql
      .exec(`SELECT * FROM jobs ORDER BY created_at DESC, id LIMIT ?`, limit)
      .toArray()
      .map((r) => decode<JobRecord>(r, JSON_FIELDS_JOB));
  }

  jobsInStatus(status: JobRecord['status'], now: number): JobRecord[] {
    return this.sql
      .exec(`SELECT * FROM jobs WHERE status = ? AND next_run_at <= ? ORDER BY created_at, id`, status, now)
      .toArray()
      .map((r) => decode<JobRecord>(r, JSON_FIELDS_JOB));
  }

  putBatches(batches: BatchRecord[]) {
    for (const b of batches) {
      const row = encode(b as unknown as Record<string, unknown>, JSON_FIELDS_BATCH);
      const cols = Object.keys(row);
      this.sql.exec(
        `INSERT OR REPLACE INTO batches (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
        ...Object.values(row),
      );
    }
  }

  batchesOf(jobId: string): BatchRecord[] {
    return this.sql
      .exec(`SELECT * FROM batches WHERE job_id = ? ORDER BY idx`, jobId)
      .toArray()
      .map((r) => decode<BatchRecord>(r, JSON_FIELDS_BATCH));
  }

  updateBatch(jobId: string, idx: number, patch: Partial<BatchRecord>) {
    const row = encode(patch as Record<string, unknown>, JSON_FIELDS_BATCH);
    const cols = Object.keys(row);
    this.sql.exec(
      `UPDATE batches SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE job_id = ? AND idx = ?`,
      ...Object.values(row),
      jobId,
      idx,
    );
  }

  pendingBatches(now: number): BatchRecord[] {
    return this.sql
      .exec(
        `SELECT b.* FROM batches b JOIN jobs j ON j.id = b.job_id
         WHERE j.status = 'running' AND b.status = 'pending' AND b.next_run_at <= ?
         ORDER BY j.created_at, b.job_id, b.idx`,
        now,
      )
      .toArray()
      .map((r) => decode<BatchRecord>(r, JSON_FIELDS_BATCH));
  }

  nextWakeAt(): number | null {
    const row = this.sql
      .exec<{ t: number | null }>(
        `SELECT min(t) AS t FROM (
           SELECT min(next_run_at) AS t FROM jobs WHERE status IN ('reserving', 'queued', 'saving')
           UNION ALL
           SELECT min(next_run_at) FROM jobs WHERE status IN ('failed', 'cancelled') AND settled = 0
           UNION ALL
           SELECT min(b.next_run_at) FROM batches b JOIN jobs j ON j.id = b.job_id
           WHERE j.status = 'running' AND b.status = 'pending')`,
      )
      .toArray()[0];
    return row?.t ?? null;
  }

  unsettledJobs(now: number): JobRecord[] {
    return this.sql
      .exec(`SELECT * FROM jobs WHERE status IN ('failed', 'cancelled') AND settled = 0 AND next_run_at <= ?`, now)
      .toArray()
      .map((r) => decode<JobRecord>(r, JSON_FIELDS_JOB));
  }

  prune(keep: number) {
    this.sql.exec(`DELETE FROM batches WHERE job_id IN (SELECT id FROM jobs WHERE ${SETTLED_SQL})`);
    this.sql.exec(
      `DELETE FROM jobs WHERE id NOT IN (SELECT id FROM jobs ORDER BY created_at DESC LIMIT ?) AND ${SETTLED_SQL}`,
      keep,
    );
  }
}
