// The store's one maintenance queue: compactions, merges, retention, bucket deletions and the
// disk re-check while the WAL is read-only run here, one job at a time, so no two of them ever touch the shard groups at once. A job asked for
// while the same job waits is not queued twice (the caller shares the waiting one); the most
// urgent waiting job runs next (a compaction before a merge step); a job that fails is logged
// and the queue goes on; close() lets what is queued finish (long jobs look at `closing` and
// stop early) and refuses new jobs after that.
import { compactNow, enforceRetention, mergeOne, mergeWanted } from './compaction.js';
import type { StoreState } from './state.js';
import { compactionDue, deleteBucket } from './writes.js';

export interface JobOptions {
  /** Higher runs first among the waiting jobs (same priority: first come, first served). */
  priority?: number;
  /** Also share a job of this key that is running now, not only one that waits. */
  joinRunning?: boolean;
}

interface Job {
  key: string;
  priority: number;
  run: () => Promise<unknown>;
  promise: Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class MaintenanceQueue {
  private readonly waiting: Job[] = [];
  private running: Job | null = null;
  private draining = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly onError: (key: string, e: unknown) => void = () => {}) {}

  /**
   * Queues `run` under `key`, or joins the job of that key already waiting (or running, with
   * joinRunning). The promise settles with the job's outcome; nobody has to wait for it.
   */
  enqueue<T>(key: string, run: () => Promise<T>, opts: JobOptions = {}): Promise<T> {
    const same = this.waiting.find((j) => j.key === key) ?? (opts.joinRunning === true && this.running?.key === key ? this.running : undefined);
    if (same !== undefined) return same.promise as Promise<T>;
    if (this.closed) {
      const refused = Promise.reject(new Error('the store is closed'));
      refused.catch(() => {});
      return refused;
    }
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {}); // reported through onError; a caller that awaits still sees it
    this.waiting.push({ key, priority: opts.priority ?? 0, run, promise, resolve, reject });
    if (this.running === null) queueMicrotask(() => this.next());
    return promise as Promise<T>;
  }

  /** Jobs waiting, by key, most urgent first (for tests and stats). */
  get pending(): string[] {
    return this.order().map((j) => j.key);
  }

  get busy(): boolean {
    return this.running !== null || this.waiting.length > 0;
  }

  /** Whether close() was called. */
  get closing(): boolean {
    return this.draining;
  }

  /** Resolves once nothing runs or waits. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Runs what is queued (jobs queued meanwhile too), then takes no more jobs. */
  async close(): Promise<void> {
    this.draining = true;
    await this.idle();
    this.closed = true;
  }

  private order(): Job[] {
    // Stable: among equal priorities the first queued stays first.
    return this.waiting
      .map((j, i) => [j, i] as const)
      .sort(([a, i], [b, k]) => b.priority - a.priority || i - k)
      .map(([j]) => j);
  }

  private next(): void {
    if (this.running !== null) return;
    if (this.waiting.length === 0) {
      const ws = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of ws) w();
      return;
    }
    const job = this.order()[0];
    this.waiting.splice(this.waiting.indexOf(job), 1);
    this.running = job;
    let p: Promise<unknown>;
    try {
      p = job.run();
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      (v) => job.resolve(v),
      (e) => {
        this.onError(job.key, e);
        job.reject(e);
      },
    ).finally(() => {
      this.running = null;
      this.next();
    });
  }
}

// ---- what the store queues, and when ----

/** Segments of one level merged into one of the next level (explicit compact(), idle time). */
const MERGE_FAN_IN = 4;
/** Under write load, merging waits (it competes with ingestion) until a level has this many. */
const MERGE_FAN_IN_BUSY = 16;
const TICK_MS = 1000;
const IDLE_MERGE_MS = 2000;
const IDLE_COMPACT_MS = 30_000;
const RETENTION_EVERY_TICKS = 10;

/** Waiting jobs run most urgent first: a compaction frees memory and bounds replay. */
const URGENT = 2;
const ROUTINE = 1;
const BACKGROUND = 0;

/** Queues the store's compactions, merges, retention, bucket deletions and disk re-checks (see MaintenanceQueue). */
export class Maintenance {
  readonly queue: MaintenanceQueue;
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;

  constructor(private readonly st: StoreState) {
    this.queue = new MaintenanceQueue((key, e) => {
      if (!st.closing) st.log(`store: ${key} failed: ${(e as Error).message}`);
    });
  }

  /** Starts the clock (idle compactions and merges, retention) and compacts if a replay filled the memtables. */
  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
    this.afterWrite();
  }

  /** After each write: a compaction once the memtables hold enough (one at a time). */
  afterWrite(): void {
    if (!this.st.closing && compactionDue(this.st)) this.autoCompact();
  }

  /** Compacts everything written so far, then merges down to MERGE_FAN_IN, then waits for the WAL to be trimmed. */
  async compact(): Promise<void> {
    if (this.st.closing) throw new Error('the store is closed');
    await this.queue.enqueue('compaction', () => compactNow(this.st, true), { priority: URGENT });
    while (await this.queue.enqueue('merge to the end', () => mergeOne(this.st, MERGE_FAN_IN), { priority: BACKGROUND }).catch(() => false));
    await this.st.wal.trimmed();
  }

  /** Deletes a bucket's data, never while a compaction or merge is writing into it. */
  deleteBucket(id: string): Promise<void> {
    return this.queue.enqueue(`deletion of bucket ${id}`, () => deleteBucket(this.st, id), { priority: URGENT });
  }

  /** Lets queued jobs finish (merges stop early, st.closing is set), then the last compaction. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    const last = this.queue.enqueue('last compaction', () => compactNow(this.st, false), { priority: BACKGROUND - 1 });
    await this.queue.close();
    await last;
  }

  private tick(): void {
    if (this.st.closing) return;
    this.ticks++;
    // Read-only after a failed WAL write or fsync: try the disk again (wal.ts), so writes resume on their own.
    if (this.st.wal.readOnly) void this.queue.enqueue('disk re-check', () => this.st.wal.recheck(), { priority: URGENT + 1 });
    if (this.ticks % RETENTION_EVERY_TICKS === 0) void this.queue.enqueue('retention', () => enforceRetention(this.st), { priority: ROUTINE });
    const idle = Date.now() - this.st.lastWriteAt;
    if (idle >= IDLE_COMPACT_MS && this.st.valuesSinceCompact > 0) this.autoCompact();
    if (idle >= IDLE_MERGE_MS) this.mergeSoon();
  }

  private autoCompact(): void {
    // Joins a compaction under way too: the next one is due only once this one reset the count.
    this.queue.enqueue('compaction', () => compactNow(this.st, true), { priority: URGENT, joinRunning: true }).then(
      () => this.mergeSoon(),
      () => {},
    );
  }

  /** Queues one merge step if some level is full; each step queues the next. */
  private mergeSoon(): void {
    if (this.st.closing || !mergeWanted(this.st, this.fanIn())) return;
    void this.queue.enqueue('merge', async () => {
      if (await mergeOne(this.st, this.fanIn())) this.mergeSoon();
    });
  }

  /** Idle: merge 4 at a time; under write load wait for 16 (merging competes with ingestion). */
  private fanIn(): number {
    return Date.now() - this.st.lastWriteAt >= IDLE_MERGE_MS ? MERGE_FAN_IN : MERGE_FAN_IN_BUSY;
  }
}
