import type { JobView } from '../../core/ai/jobs';
import type {
  ScheduledPublishSpec,
  ScheduledPublishState,
  ScheduledPublishView,
  TrackedPublishJob,
} from './scheduled-publish-protocol';

/**
 * Scheduled publishing inside the site coordinator: the schedules live in the object's own SQLite
 * (one row per content) and the object's alarm fires them. The publishing itself is the
 * publisher's (worker/publisher/schedule-fire.ts), handed in by the class as hooks, so this file
 * knows no feature.
 *
 * Exactly once across restarts, reasoned out:
 * - Before anything leaves the object the row moves pending → firing (attempts + 1). A Durable
 *   Object's output gate holds every outgoing message until that write is durable, so no publish
 *   can start that the storage does not remember starting.
 * - The publisher's first step is a compare-and-set in D1 on the PublishingRecord (pending →
 *   publishing): the claim. Only one firing ever wins it, whatever the object's storage says.
 * - A restart BEFORE the row was marked: still pending, the next alarm fires it (its time has
 *   passed, so at once). A restart AFTER the claim but before the row says fired: the row is still
 *   firing, so the next alarm calls the publisher again, which finds its claim taken and resumes
 *   under the same record (WordPress: the post id stored at its creation makes it an update, not a
 *   second post; IGNY8: the deploy is started once, keyed by the record). A restart AFTER the row
 *   says fired: nothing is due, nothing fires again.
 * - The alarm is at-least-once and may run while a previous run is still in flight in this
 *   instance: `inFlight` keeps one firing per content per instance.
 */
export interface ScheduledPublishHooks {
  /**
   * Publishes (or resumes) one schedule. Returns when it is finished with, successfully or not (the
   * record says which); throws only for a transient failure (D1 unavailable), which is retried.
   */
  fire(spec: ScheduledPublishSpec): Promise<void>;
  /** The transient failures did not pass after every retry: the record must say it was not published. */
  giveUp(spec: ScheduledPublishSpec, error: string): Promise<void>;
  /** A tracked deploy job ended: settle its PublishingRecord. Throws to be retried. */
  settle(job: JobView, tracked: TrackedPublishJob): Promise<void>;
}

interface Row {
  content_id: number;
  spec: string;
  state: ScheduledPublishState;
  publish_at: number;
  attempts: number;
  next_try_at: number;
  fired_at: number | null;
  last_error: string | null;
}

/** Transient failures are retried this many times, backing off, before the schedule gives up. */
const MAX_ATTEMPTS = 6;
const RETRY_BASE_MS = 15_000;
/** While a tracked deploy job runs, the alarm looks at it at least this often (the engine wakes it sooner). */
const TRACK_EVERY_MS = 30_000;
/** Fired and cancelled rows are kept this long (to answer "what happened"), then dropped. */
const KEEP_DONE_MS = 30 * 86_400_000;

export class ScheduledPublishes {
  private readonly inFlight = new Set<number>();

  constructor(
    private readonly sql: SqlStorage,
    private readonly hooks: ScheduledPublishHooks,
    private readonly deps: {
      getJob(id: string): JobView | null;
      scheduleAt(at: number): Promise<void>;
      /** A schedule fired: the content changed (members' lists reload). */
      fired?: () => void;
      now?: () => number;
    },
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS scheduled_publishes (
      content_id INTEGER PRIMARY KEY,
      spec TEXT NOT NULL,
      state TEXT NOT NULL,
      publish_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_try_at INTEGER NOT NULL,
      fired_at INTEGER,
      last_error TEXT,
      updated_at INTEGER NOT NULL)`);
    sql.exec('CREATE INDEX IF NOT EXISTS scheduled_publishes_due ON scheduled_publishes (state, next_try_at)');
    sql.exec(`CREATE TABLE IF NOT EXISTS publish_jobs (
      job_id TEXT PRIMARY KEY,
      tracked TEXT NOT NULL,
      created_at INTEGER NOT NULL)`);
  }

  private now() {
    return this.deps.now?.() ?? Date.now();
  }

  private row(contentId: number): Row | null {
    return (
      this.sql
        .exec<Row & Record<string, SqlStorageValue>>(
          'SELECT * FROM scheduled_publishes WHERE content_id = ?',
          contentId,
        )
        .toArray()[0] ?? null
    );
  }

  private view(row: Row): ScheduledPublishView {
    return {
      ...(JSON.parse(row.spec) as ScheduledPublishSpec),
      state: row.state,
      attempts: row.attempts,
      next_try_at: row.next_try_at,
      fired_at: row.fired_at,
      last_error: row.last_error,
    };
  }

  get(contentId: number): ScheduledPublishView | null {
    const row = this.row(contentId);
    return row ? this.view(row) : null;
  }

  /**
   * One schedule per content: a new one replaces whatever was there, even a firing one (its claim
   * in D1 is on the old record, so the replaced firing cannot publish the new schedule twice).
   */
  async schedule(spec: ScheduledPublishSpec): Promise<ScheduledPublishView> {
    const now = this.now();
    this.sql.exec(
      `INSERT OR REPLACE INTO scheduled_publishes
         (content_id, spec, state, publish_at, attempts, next_try_at, fired_at, last_error, updated_at)
       VALUES (?, ?, 'pending', ?, 0, ?, NULL, NULL, ?)`,
      spec.content_id,
      JSON.stringify(spec),
      spec.publish_at,
      spec.publish_at,
      now,
    );
    await this.deps.scheduleAt(spec.publish_at);
    return this.get(spec.content_id)!;
  }

  /** Cancels a schedule that has not fired (a firing one is past cancelling: its claim decides). */
  cancel(contentId: number): ScheduledPublishView | null {
    const row = this.row(contentId);
    if (row?.state !== 'pending') return null;
    this.sql.exec(
      "UPDATE scheduled_publishes SET state = 'cancelled', updated_at = ? WHERE content_id = ?",
      this.now(),
      contentId,
    );
    return this.get(contentId);
  }

  async track(job: TrackedPublishJob) {
    this.sql.exec(
      'INSERT OR IGNORE INTO publish_jobs (job_id, tracked, created_at) VALUES (?, ?, ?)',
      job.job_id,
      JSON.stringify(job),
      this.now(),
    );
    await this.deps.scheduleAt(this.now() + TRACK_EVERY_MS);
  }

  /** Fires every due schedule (the alarm's part in publishing); returns when each has been tried once. */
  async fireDue() {
    const now = this.now();
    const due = this.sql
      .exec<Row & Record<string, SqlStorageValue>>(
        `SELECT * FROM scheduled_publishes WHERE state IN ('pending', 'firing') AND next_try_at <= ?
         ORDER BY next_try_at LIMIT 25`,
        now,
      )
      .toArray();
    await Promise.all(due.filter((row) => !this.inFlight.has(row.content_id)).map((row) => this.fireOne(row)));
    this.sql.exec(
      "DELETE FROM scheduled_publishes WHERE state IN ('fired', 'cancelled') AND updated_at < ?",
      now - KEEP_DONE_MS,
    );
    await this.armNext();
  }

  private async fireOne(row: Row) {
    const id = row.content_id;
    this.inFlight.add(id);
    const attempts = row.attempts + 1;
    this.sql.exec(
      "UPDATE scheduled_publishes SET state = 'firing', attempts = ?, updated_at = ? WHERE content_id = ?",
      attempts,
      this.now(),
      id,
    );
    try {
      await this.hooks.fire(JSON.parse(row.spec) as ScheduledPublishSpec);
      this.finish(id, row.spec, null);
      this.deps.fired?.();
    } catch (err) {
      const message = String((err as Error)?.message ?? err).slice(0, 500);
      console.error(
        JSON.stringify({ level: 'error', message: 'scheduled publish failed', content_id: id, error: message }),
      );
      if (attempts >= MAX_ATTEMPTS) {
        await this.hooks.giveUp(JSON.parse(row.spec) as ScheduledPublishSpec, message).catch(() => undefined);
        this.finish(id, row.spec, message);
      } else
        this.sql.exec(
          `UPDATE scheduled_publishes SET next_try_at = ?, last_error = ?, updated_at = ?
           WHERE content_id = ? AND spec = ?`,
          this.now() + RETRY_BASE_MS * 2 ** (attempts - 1),
          message,
          this.now(),
          id,
          row.spec,
        );
    } finally {
      this.inFlight.delete(id);
    }
  }

  /** Marks the firing done, unless a reschedule replaced the row meanwhile (its spec differs). */
  private finish(contentId: number, spec: string, error: string | null) {
    this.sql.exec(
      `UPDATE scheduled_publishes SET state = 'fired', fired_at = ?, last_error = ?, updated_at = ?
       WHERE content_id = ? AND spec = ? AND state = 'firing'`,
      this.now(),
      error,
      this.now(),
      contentId,
      spec,
    );
  }

  /** Settles the records of tracked deploy jobs that ended (run after the engine's pump). */
  async settleJobs() {
    const rows = this.sql
      .exec<{ job_id: string; tracked: string }>('SELECT job_id, tracked FROM publish_jobs LIMIT 50')
      .toArray();
    let running = false;
    for (const row of rows) {
      const job = this.deps.getJob(row.job_id);
      if (job && !['succeeded', 'failed', 'cancelled'].includes(job.status)) {
        running = true;
        continue;
      }
      if (job) {
        try {
          await this.hooks.settle(job, JSON.parse(row.tracked) as TrackedPublishJob);
        } catch (err) {
          console.error('SiteCoordinator: settling a publish record failed', err);
          running = true;
          continue;
        }
      }
      this.sql.exec('DELETE FROM publish_jobs WHERE job_id = ?', row.job_id);
    }
    if (running) await this.deps.scheduleAt(this.now() + TRACK_EVERY_MS);
  }

  /** Sets the alarm for the next due schedule (also on start: a restart mid-firing must come back to it). */
  async armNext() {
    const next = this.sql
      .exec<{ at: number | null }>(
        "SELECT min(next_try_at) AS at FROM scheduled_publishes WHERE state IN ('pending', 'firing')",
      )
      .one().at;
    if (next !== null) await this.deps.scheduleAt(Math.max(next, this.now()));
  }
}
