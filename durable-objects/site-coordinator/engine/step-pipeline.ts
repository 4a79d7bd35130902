import { InvalidJobInput } from './ai-function';
import type { JobRecord, JobStore } from './job-store';
import { fullJitterDelay } from './limiter';
import { stepFailure, type EngineStep } from './outcomes';
import { ProviderNotConfigured } from './ports';

/** Jobs whose D1 steps (reserve, prepare, save) may run at the same time, the pump's and enqueue's together. */
const STEP_CONCURRENCY = 4;
/**
 * Which waiting step gets the next free lane: a save first (its members are waiting for it), then
 * a prepare (its calls are what keeps the key budget busy), then a reserve (an enqueue).
 */
const LANE_PRIORITY: Record<EngineStep, number> = { save: 0, prepare: 1, reserve: 2 };
/** Attempts for the D1 steps (reserve, prepare, save, release) before a job fails. */
const MAX_STEP_ATTEMPTS = 5;

/** What the pipeline needs from the engine: the steps themselves and the job's transitions. */
export interface StepHost {
  store: JobStore;
  now(): number;
  random(): number;
  /** Whether enqueue() is still accepting the job (it reserves the job's credits itself). */
  accepting(jobId: string): boolean;
  reserve(job: JobRecord): Promise<unknown>;
  prepare(job: JobRecord): Promise<unknown>;
  save(job: JobRecord): Promise<unknown>;
  /** A job was prepared: its calls may start. */
  prepared(): void;
  advance(job: JobRecord, patch: Partial<JobRecord>): boolean;
  /** Ends the job as failed (from whatever status the step read it in). */
  stepFailed(job: JobRecord, error: string): void;
  /** Stops what is left of a job that ended and settles it. */
  endJob(jobId: string): Promise<void>;
}

/**
 * The jobs' D1 steps (reserve, prepare, save), a few jobs at a time beside the AI calls: each is a
 * round trip or two, and one after another they could not feed the budget's calls (200 jobs
 * prepared in a row take longer than their calls), nor should one slow step hold the others back.
 * Jobs are independent (every step is compare-and-set on its own job) and only one step of a job
 * runs at a time (`stepping`).
 */
export class StepPipeline {
  /** Jobs with a D1 step running now: the step settles them if they end meanwhile. */
  readonly stepping = new Set<string>();
  private workers = 0;
  /** The promise a pump waiting for a worker to end holds. */
  private workerEnded: { promise: Promise<void>; resolve: () => void } | null = null;
  /** D1 steps running now, and those waiting for a lane (lowest priority first out last). */
  private lanesInUse = 0;
  private readonly waitingForLane: { priority: number; enter: () => void }[] = [];

  constructor(private readonly host: StepHost) {}

  /** Whether any step is running. */
  get busy(): boolean {
    return this.workers > 0;
  }

  /** Keeps up to STEP_CONCURRENCY workers on the steps due at `now`. */
  run(now: number) {
    while (this.workers < STEP_CONCURRENCY) {
      const step = this.nextStep(now);
      if (!step) return;
      this.workers++;
      void this.worker(step);
    }
  }

  /** Jobs the pump should reserve now; a job still being accepted by enqueue() is reserved there. */
  reservingNow(now: number) {
    return this.host.store
      .jobsInStatus('reserving', now)
      .filter((job) => !this.host.accepting(job.id) && !this.stepping.has(job.id));
  }

  /** Resolves when a step worker ends (the pump then looks for more work). */
  nextEnd(): Promise<void> {
    if (!this.workerEnded) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.workerEnded = { promise, resolve };
    }
    return this.workerEnded.promise;
  }

  /**
   * Runs one D1 step of a job. Transient failures back off (the job fails after
   * MAX_STEP_ATTEMPTS); whatever the outcome, a job that ended while the step ran is settled here,
   * after the step's own writes, so nothing the step did is left behind.
   */
  async runStep(job: JobRecord, step: EngineStep, run: () => Promise<unknown>, opts: { retryLater?: boolean } = {}) {
    const { host } = this;
    this.stepping.add(job.id);
    await this.enterLane(step);
    try {
      await run();
    } catch (err) {
      const attempts = job.step_attempts + 1;
      const permanent = err instanceof InvalidJobInput || err instanceof ProviderNotConfigured;
      if (!permanent)
        console.error(
          JSON.stringify({
            level: 'error',
            message: `${step} step failed`,
            job_id: job.id,
            attempt: attempts,
            error: (err as Error)?.stack ?? String(err),
          }),
        );
      if (permanent || attempts >= MAX_STEP_ATTEMPTS) {
        host.stepFailed(job, stepFailure(step, err, job.id));
      } else {
        const delay = opts.retryLater ? 1000 : fullJitterDelay(attempts, host.random, 1000, 15_000) + 250;
        host.advance(job, {
          step_attempts: attempts,
          next_run_at: host.now() + delay,
          message: step === 'reserve' ? 'Reserving credits (retrying)' : job.message,
        });
      }
    } finally {
      this.leaveLane();
      this.stepping.delete(job.id);
    }
    const current = host.store.getJob(job.id);
    if (current && !current.settled && (current.status === 'failed' || current.status === 'cancelled'))
      await host.endJob(job.id);
  }

  /**
   * Waits for one of the STEP_CONCURRENCY lanes. Enqueues reserve their jobs themselves, as many at
   * once as requests arrive (the bench sends 200): unbounded, their round trips filled D1's queue
   * and every prepare waited behind all of them, so the key budget's slots stayed empty until the
   * last enqueue was in. Through the lanes a prepare or save passes the reserves still waiting, and
   * calls start while jobs are still being enqueued.
   */
  private enterLane(step: EngineStep): Promise<void> {
    if (this.lanesInUse < STEP_CONCURRENCY) {
      this.lanesInUse++;
      return Promise.resolve();
    }
    const priority = LANE_PRIORITY[step];
    return new Promise((enter) => {
      const at = this.waitingForLane.findIndex((w) => w.priority > priority);
      this.waitingForLane.splice(at < 0 ? this.waitingForLane.length : at, 0, { priority, enter });
    });
  }

  /** Hands the lane to the first waiting step (it keeps the count), or frees it. */
  private leaveLane() {
    const next = this.waitingForLane.shift();
    if (next) next.enter();
    else this.lanesInUse--;
  }

  private async worker(first: () => Promise<void>) {
    try {
      for (let step: (() => Promise<void>) | null = first; step; step = this.nextStep(this.host.now())) await step();
    } finally {
      this.workers--;
      const ended = this.workerEnded;
      this.workerEnded = null;
      ended?.resolve();
    }
  }

  /**
   * The next D1 step due: a job that finished its calls is saved first (its members are waiting
   * for it), then the oldest queued job is prepared (its calls start as soon as it is), then holds.
   */
  private nextStep(now: number): (() => Promise<void>) | null {
    const { host } = this;
    const free = (jobs: JobRecord[]) => jobs.find((job) => !this.stepping.has(job.id));
    const saving = free(host.store.jobsInStatus('saving', now));
    if (saving) return () => this.runStep(saving, 'save', () => host.save(saving));
    const queued = free(host.store.jobsInStatus('queued', now));
    if (queued)
      return async () => {
        await this.runStep(queued, 'prepare', () => host.prepare(queued));
        host.prepared();
      };
    const reserving = this.reservingNow(now)[0];
    if (reserving) return () => this.runStep(reserving, 'reserve', () => host.reserve(reserving));
    return null;
  }
}
