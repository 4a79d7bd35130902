import type { ProviderConfig } from '../../../worker/lib/ai-provider';
import type { SectionSink } from './ai-function';
import type { BatchRecord, JobRecord, JobStore } from './job-store';
import type { BudgetKey, CallOutcome, KeyBudget } from './ports';

/**
 * How soon to ask a key's budget again when all its slots are taken and it can't say when one frees:
 * the calls holding them may be another site's, whose end this coordinator does not see.
 */
const BUDGET_POLL_MS = 150;

const nameOf = (key: BudgetKey) => `${key.accountId}:${key.keyId}`;

/** An AI call in flight: how to stop it and undo what it streamed, if its job ends first. */
export interface CallInFlight {
  jobId: string;
  done: Promise<void>;
  controller: AbortController;
  sink: SectionSink | null;
  /** Set when the job ended while the call ran: its streamed output was already taken back. */
  aborted: boolean;
}

/** A key budget slot taken for one call. */
export interface Slot {
  key: BudgetKey;
  lease: string;
}

/** What the dispatcher needs from the engine. */
export interface DispatchHost {
  store: JobStore;
  budget: KeyBudget;
  now(): number;
  /** The provider of each running job (resolved by prepare, or again after a restart). */
  providers: ReadonlyMap<string, ProviderConfig>;
  /** Whether a pump is running: a slot freed outside one is only given back. */
  pumping(): boolean;
  /** Starts the call of `batch` of the running `job` on `slot`; the dispatcher tracks it until it is done. */
  startCall(job: JobRecord, batch: BatchRecord, cfg: ProviderConfig, slot: Slot): CallInFlight;
}

/**
 * The AI calls of one coordinator: which due call gets a key budget slot, and when. Every free slot
 * goes to a ready call at once — when a job becomes ready, when a call's reply is in (the slot
 * passes to the next call in the same round trip to the budget), when a retry falls due — never
 * after the storage work of the jobs around it. A key whose budget refused is not asked again
 * until it may say yes (this engine freed one of its slots, or the time the budget gave has come).
 */
export class CallDispatch {
  readonly inFlight = new Map<string, CallInFlight>();
  /** The account of each job with a provider (budgetKeyOf). */
  private readonly accountOf = new Map<string, number>();
  /** The pass of dispatch() running now, and whether another was asked for meanwhile. */
  private dispatching: Promise<void> | null = null;
  private dispatchAgain = false;
  /** Keys whose budget refused a slot, by budget name: not asked again before this time. */
  private readonly keyBusyUntil = new Map<string, number>();
  /** Slots this engine gave back, by budget name: a refusal asked before the latest of them is stale. */
  private readonly keyReleases = new Map<string, number>();

  constructor(private readonly host: DispatchHost) {}

  /** Whether a pass of dispatch() is still asking a budget (it may yet start a call). */
  get busy(): boolean {
    return this.dispatching !== null;
  }

  /** A wake-up (the alarm) is the moment to ask every key again, whatever it said before. */
  forgetRefusals() {
    this.keyBusyUntil.clear();
  }

  /** A job ended: its account is no longer needed. */
  forget(jobId: string) {
    this.accountOf.delete(jobId);
  }

  /** The calls of a job in flight now. */
  callsOf(jobId: string): CallInFlight[] {
    return [...this.inFlight.values()].filter((c) => c.jobId === jobId);
  }

  /**
   * Starts every AI call the key budgets allow now. One pass at a time: asked again while a pass
   * runs (a slot freed meanwhile), it runs one more pass after it, so no freed slot is missed.
   */
  dispatch(): Promise<void> {
    if (this.dispatching) {
      this.dispatchAgain = true;
      return this.dispatching;
    }
    this.dispatching = (async () => {
      do {
        this.dispatchAgain = false;
        await this.startCalls();
      } while (this.dispatchAgain);
    })()
      .catch((err: unknown) =>
        // The next look of the pump (a call ending, a wake-up, the alarm) starts them instead.
        console.error(JSON.stringify({ level: 'error', message: 'starting AI calls failed', error: String(err) })),
      )
      .finally(() => {
        this.dispatching = null;
      });
    return this.dispatching;
  }

  /** The earliest time a refused key may have a slot again, or null. */
  budgetRetryAt(): number | null {
    const now = this.host.now();
    for (const [name, until] of this.keyBusyUntil) if (until <= now) this.keyBusyUntil.delete(name);
    const times = [...this.keyBusyUntil.values()];
    return times.length ? Math.min(...times) : null;
  }

  /** Whether a due call could start now: not running already, and its key not known to be busy. */
  canStart(batch: BatchRecord, now: number) {
    const key = this.budgetKeyOf(batch);
    if (!key || this.inFlight.has(`${batch.job_id}#${batch.idx}`)) return false;
    return (this.keyBusyUntil.get(nameOf(key)) ?? 0) <= now;
  }

  /** Starts every pending AI call the key budgets allow. */
  private async startCalls() {
    for (const batch of this.host.store.pendingBatches(this.host.now())) {
      if (!this.canStart(batch, this.host.now())) continue;
      const cfg = this.host.providers.get(batch.job_id)!;
      const budgetKey = this.budgetKeyOf(batch)!;
      const budgetName = nameOf(budgetKey);
      this.keyBusyUntil.delete(budgetName);
      const releasesBefore = this.keyReleases.get(budgetName) ?? 0;
      const slot = await this.host.budget.tryAcquire(budgetKey, cfg, this.host.now());
      if (!slot.ok) {
        // One of this engine's slots came back while the budget answered: ask again at once.
        if ((this.keyReleases.get(budgetName) ?? 0) !== releasesBefore) this.dispatchAgain = true;
        // Else asked again when this engine frees a slot of the key, or at the time the budget gave.
        else this.keyBusyUntil.set(budgetName, slot.retryAt ?? this.host.now() + BUDGET_POLL_MS);
        continue;
      }
      await this.launch(batch, { key: budgetKey, lease: slot.lease });
    }
  }

  /** The key budget a batch's call counts against, once its job's provider is known. */
  private budgetKeyOf(batch: BatchRecord): BudgetKey | null {
    const cfg = this.host.providers.get(batch.job_id);
    if (!cfg) return null;
    // Asked for every pending call on every pass: the account is read once per job, not each time.
    let accountId = this.accountOf.get(batch.job_id);
    if (accountId === undefined) {
      const job = this.host.store.getJob(batch.job_id);
      if (!job) return null;
      this.accountOf.set(batch.job_id, (accountId = job.account_id));
    }
    return { accountId, keyId: cfg.keyId };
  }

  /**
   * Starts the call of `batch` on a slot already taken. The ask for the slot awaited: the job may
   * have been cancelled (or the batch started) meanwhile, so both are read again and the call runs
   * against what is stored now. An unused slot goes back at once ('error' is not counted by the
   * overload control).
   */
  private async launch(batch: BatchRecord, slot: Slot) {
    const key = `${batch.job_id}#${batch.idx}`;
    const { store } = this.host;
    const fresh = store.getJob(batch.job_id);
    const cfg = this.host.providers.get(batch.job_id);
    const pending = store.batchesOf(batch.job_id).find((b) => b.idx === batch.idx && b.status === 'pending');
    if (fresh?.status !== 'running' || !pending || !cfg || this.inFlight.has(key)) {
      await this.host.budget.release(slot.key, slot.lease, 'error', this.host.now(), null);
      return;
    }
    const call = this.host.startCall(fresh, pending, cfg, slot);
    call.done = call.done.finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, call);
  }

  /**
   * Gives a call's slot back the moment its reply is in (before the job's own bookkeeping: the
   * draft, the batch record, a retry's wait), then starts the next ready call on it. A call that
   * will retry after a 429 holds no slot while it waits.
   */
  freeSlot(slot: Slot, outcome: CallOutcome, retryAfter: number | null): Promise<void> {
    const { budget } = this.host;
    const name = nameOf(slot.key);
    const freed = () => {
      this.keyReleases.set(name, (this.keyReleases.get(name) ?? 0) + 1);
      this.keyBusyUntil.delete(name);
      if (this.host.pumping()) void this.dispatch();
    };
    // Another call of this key is ready: the slot passes to it in the same round trip to the
    // budget (which still counts this call's outcome), instead of a release and a new ask.
    const now = this.host.now();
    const next = this.host.store
      .pendingBatches(now)
      .find((b) => this.canStart(b, now) && nameOf(this.budgetKeyOf(b)!) === name);
    const limits = next && this.host.providers.get(next.job_id);
    if (!next || !limits || !budget.handOver || !this.host.pumping())
      return budget.release(slot.key, slot.lease, outcome, now, retryAfter).then(freed);
    return budget.handOver(slot.key, slot.lease, outcome, now, retryAfter, limits).then(async (grant) => {
      if (!grant.ok) return freed();
      await this.launch(next, { key: slot.key, lease: grant.lease });
      // The batch may have been started meanwhile (its slot went back): look for other work.
      if (this.host.pumping()) void this.dispatch();
    });
  }
}
