import type { AutomationRunView } from '../../core/automation/run';
import type { AdvanceResult, AutomationRunSpec, RunJobs } from './automation-runs-protocol';

/**
 * Automation runs inside the site coordinator: which runs this object drives lives in its own
 * SQLite (`active_runs`, one row per run), and the object's alarm advances them after the job
 * engine's pump. What a run IS lives in D1 (automation_runs, written by worker/automation with a
 * version compare-and-set); the runner is handed in by the class as hooks, so this file knows no
 * feature.
 *
 * Why it survives restarts: a row is written before driveRun returns (the output gate holds the
 * answer until it is durable), and the class re-arms the alarm on start (armNext), so a run whose
 * object was evicted or restarted is picked up again; each advance reloads the run from D1 and the
 * stages look up their recorded job ids instead of starting jobs again (deterministic ids).
 */
export interface AutomationRunHooks {
  /** Advances a run by as much as it can do now. Throws only for a transient failure (retried). */
  advance(spec: AutomationRunSpec, jobs: RunJobs): Promise<AdvanceResult>;
  /** Transient failures did not pass after every retry: the run must say it failed. */
  giveUp(spec: AutomationRunSpec, error: string): Promise<AutomationRunView | null>;
}

interface Row {
  run_id: string;
  spec: string;
  next_at: number | null;
  attempts: number;
  last_error: string | null;
}

/** Transient failures (D1 unavailable) are retried this many times, backing off, before the run fails. */
const MAX_ATTEMPTS = 8;
const RETRY_BASE_MS = 5_000;
/** Runs advanced per alarm: the rest are due at once on the next one. */
const PER_ALARM = 10;

export class AutomationRuns {
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly sql: SqlStorage,
    private readonly hooks: AutomationRunHooks,
    private readonly deps: {
      jobs: RunJobs;
      scheduleAt(at: number): Promise<void>;
      /** A run changed: members watching the site see it. */
      changed(run: AutomationRunView): void;
      now?: () => number;
    },
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS active_runs (
      run_id TEXT PRIMARY KEY,
      spec TEXT NOT NULL,
      next_at INTEGER,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT)`);
    sql.exec('CREATE INDEX IF NOT EXISTS active_runs_due ON active_runs (next_at)');
  }

  private now() {
    return this.deps.now?.() ?? Date.now();
  }

  /** Remembers the run (once) and makes it due now; a known run is only made due again. */
  async drive(spec: AutomationRunSpec) {
    const now = this.now();
    this.sql.exec(
      `INSERT INTO active_runs (run_id, spec, next_at, attempts) VALUES (?, ?, ?, 0)
       ON CONFLICT (run_id) DO UPDATE SET next_at = excluded.next_at`,
      spec.run_id,
      JSON.stringify(spec),
      now,
    );
    await this.deps.scheduleAt(now);
  }

  /** Makes a known run due now; false when this object does not drive it (finished or never started). */
  async poke(runId: string) {
    const now = this.now();
    this.sql.exec('UPDATE active_runs SET next_at = ? WHERE run_id = ?', now, runId);
    const known = this.sql.exec('SELECT 1 FROM active_runs WHERE run_id = ?', runId).toArray().length > 0;
    if (known) await this.deps.scheduleAt(now);
    return known;
  }

  /** The alarm's part: advances every due run once (one advance per run per instance at a time). */
  async driveDue() {
    const due = this.sql
      .exec<Row & Record<string, SqlStorageValue>>(
        'SELECT * FROM active_runs WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY next_at LIMIT ?',
        this.now(),
        PER_ALARM,
      )
      .toArray();
    await Promise.all(due.filter((row) => !this.inFlight.has(row.run_id)).map((row) => this.driveOne(row)));
    await this.armNext();
  }

  private async driveOne(row: Row) {
    const spec = JSON.parse(row.spec) as AutomationRunSpec;
    this.inFlight.add(row.run_id);
    try {
      const result = await this.hooks.advance(spec, this.deps.jobs);
      if (result.run) this.deps.changed(result.run);
      if (result.done) this.sql.exec('DELETE FROM active_runs WHERE run_id = ?', row.run_id);
      // Only if nobody made it due meanwhile (a poke during the advance must not be lost).
      else
        this.sql.exec(
          `UPDATE active_runs SET next_at = ?, attempts = 0, last_error = NULL
           WHERE run_id = ? AND (next_at IS NULL OR next_at <= ?)`,
          result.wake_at,
          row.run_id,
          row.next_at ?? 0,
        );
    } catch (err) {
      await this.failed(row, spec, String((err as Error)?.message ?? err).slice(0, 500));
    } finally {
      this.inFlight.delete(row.run_id);
    }
  }

  private async failed(row: Row, spec: AutomationRunSpec, message: string) {
    console.error(
      JSON.stringify({ level: 'error', message: 'automation run step failed', run: row.run_id, error: message }),
    );
    const attempts = row.attempts + 1;
    if (attempts < MAX_ATTEMPTS) {
      this.sql.exec(
        'UPDATE active_runs SET next_at = ?, attempts = ?, last_error = ? WHERE run_id = ?',
        this.now() + RETRY_BASE_MS * 2 ** (attempts - 1),
        attempts,
        message,
        row.run_id,
      );
      return;
    }
    const run = await this.hooks.giveUp(spec, message).catch(() => null);
    if (run) this.deps.changed(run);
    this.sql.exec('DELETE FROM active_runs WHERE run_id = ?', row.run_id);
  }

  /** Sets the alarm for the next due run (also on start: a restart mid-run must come back to it). */
  async armNext() {
    const next = this.sql
      .exec<{ at: number | null }>('SELECT min(next_at) AS at FROM active_runs WHERE next_at IS NOT NULL')
      .one().at;
    if (next !== null) await this.deps.scheduleAt(Math.max(next, this.now()));
  }
}
