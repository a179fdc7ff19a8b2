// The contract of the durable bucket store (server/store/). The HTTP layer parses and
// validates; the store applies points with InfluxDB's storage rules and makes them durable.
import type { Field, FieldType, Point, Precision, Tag } from '../../lineprotocol/types.js';

/** What the store needs to replay a write after a crash: the accepted body and how to parse it. */
export interface WalWrite {
  bucketId: string;
  /** The decompressed body exactly as accepted (it parsed without a single error). */
  body: Uint8Array;
  /** Parse settings that reproduce the same points: dialect influxdb2, crlf strip. */
  precision: Precision;
  /** Server time (ns, decimal) given to lines without a timestamp, already truncated. */
  defaultTime: string;
}

export interface WriteOutcome {
  /** Points stored. */
  written: number;
  /** Points refused by storage rules (type conflict, outside retention, string too long). */
  dropped: number;
  /**
   * InfluxDB's text for the first refusal, without any prefix, e.g.
   * `field type conflict: input field "v" on measurement "cpu" is type integer, already exists as type float`
   * or `input field "s" on measurement "cpu" is too long, 1048577 > 1048576`
   * or `points beyond retention policy`. Absent when nothing was dropped.
   */
  reason?: string;
}

/** Whether the store takes writes: false while its disk fails (full, I/O errors); reads always work. */
export interface StoreHealth {
  writable: boolean;
  /** While read-only: why and since when, e.g. `no space left on device (writing the write-ahead log) since 2024-…Z`. */
  reason?: string;
  /** While read-only: the errno code, e.g. ENOSPC, EIO. */
  code?: string;
  /** While read-only: since when (RFC 3339). */
  since?: string;
}

/**
 * A write refused because the store cannot make it durable (its disk is full or failing).
 * Nothing of the write was stored; the client should retry after retryAfterSeconds.
 */
export class StoreUnavailableError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

export interface BucketInfo {
  id: string; // 16 lowercase hex chars
  name: string;
  orgId: string;
  /** Retention in seconds; 0 = infinite. */
  retentionSeconds: number;
  createdAt: string; // RFC 3339
}

export interface StoredPoint {
  measurement: string;
  series: string;
  tags: { key: string; value: string }[];
  fields: Field[];
  time: string; // ns decimal
}

export interface ReadQuery {
  bucketId: string;
  measurement: string;
  /** Inclusive start and exclusive stop, ns decimal strings; absent = unbounded. */
  start?: string;
  stop?: string;
  /** Only series whose tags include all of these. */
  tags?: Record<string, string>;
  /** Only this series (its key, as `series()` lists it). */
  series?: string;
  /** Newest first (default oldest first). */
  descending?: boolean;
  limit?: number;
  offset?: number;
}

/**
 * What a streamed read holds, for tests and diagnostics: rows decoded (segment blocks, memtable
 * rows, merged stretches) and not yet let go, the most at once, and all rows read out of
 * segment blocks and memtables so far.
 */
export interface ReadObserver {
  held: number;
  maxHeld: number;
  decoded: number;
}

/**
 * A batch of a streamed read, columnar: no object is made for a point until asked, so a
 * consumer that formats points (export) can read the values straight from the decoded columns.
 * Point i is the i-th of the batch in the read's order; the series objects are shared.
 */
export interface PointBatch {
  readonly length: number;
  series(i: number): { key: string; measurement: string; tags: Tag[] };
  /** ns, decimal. */
  time(i: number): string;
  /** Sorted by key. */
  fields(i: number): Field[];
  /** Calls fn for each field of point i, sorted by key, with the value as fields() gives it. */
  eachField(i: number, fn: (key: string, type: FieldType, value: Field['value']) => void): void;
  point(i: number): StoredPoint;
  points(): StoredPoint[];
  /**
   * For formatters: each field of point i, sorted by key, with its value as stored (int and
   * uint: a number when exact, else decimal text; bool: 0/1 or a boolean; float; string).
   */
  eachStoredField(i: number, fn: (key: string, type: FieldType, value: number | string | boolean) => void): void;
  /** For formatters: the time of point i as floor(t / 1e9) and t mod 1e9 (both exact). */
  timeSec(i: number): number;
  timeNs(i: number): number;
}

export interface ReadStreamOptions {
  /** Most points per batch (default 1000). */
  batchSize?: number;
  observer?: ReadObserver;
  /** Decoded rows the read may hold, about (default reads.ts HELD_ROWS); past it, blocks are decoded in windows. */
  heldRows?: number;
}

export interface StoreStats {
  buckets: number;
  points: number; // stored field values, approximate is fine
  walBytes: number;
  diskBytes: number;
  fsyncs: number;
  commits: number; // writes acknowledged
}

export interface BucketStore {
  /**
   * Makes the write durable (WAL, fsynced), then applies the points (storage rules, merges): a
   * write is visible only once durable. Rejects with StoreUnavailableError, storing nothing, when
   * the disk cannot take it; the store is then read-only until the disk works again.
   */
  write(w: WalWrite, points: readonly Point[]): Promise<WriteOutcome>;
  /**
   * The same, with the points fed in chunks while they are parsed, so a large batch is never
   * held whole (its objects die young instead of being copied by the garbage collector).
   * `feed` runs synchronously and calls `apply` for each chunk.
   */
  writeStream(w: WalWrite, feed: (apply: (points: readonly Point[]) => void) => void): Promise<WriteOutcome>;
  createBucketData(bucket: BucketInfo): Promise<void>;
  deleteBucketData(bucketId: string): Promise<void>;
  measurements(bucketId: string): string[];
  tagKeys(bucketId: string, measurement: string): string[];
  tagValues(bucketId: string, measurement: string, tagKey: string): string[];
  fieldKeys(bucketId: string, measurement: string): { key: string; type: FieldType }[];
  /** Series keys of a measurement. */
  series(bucketId: string, measurement: string): string[];
  read(q: ReadQuery): StoredPoint[];
  /**
   * The same points, computed a bounded slice at a time with the event loop free in between
   * (the data browser's pages, exports): a big read never stalls the endpoint. It reads the
   * data as it was when called.
   */
  readAsync(q: ReadQuery): Promise<StoredPoint[]>;
  /**
   * The same points in batches (of at most batchSize points, in the read's order),
   * computed only as the consumer pulls them: what it holds is bounded (per series, the
   * segment blocks that overlap where the read is), whatever the bucket holds, and the event
   * loop turns every bounded slice of work. It reads the data as it was when called (files
   * opened then survive merges and retention); they close when the iteration ends or breaks.
   */
  readStream(q: ReadQuery, opts?: ReadStreamOptions): AsyncIterable<PointBatch>;
  /** Writes the in-memory state to segment files and trims the log (also runs by itself). */
  compact(): Promise<void>;
  stats(): StoreStats;
  /** Whether writes are taken now. */
  health(): StoreHealth;
  /** Throws StoreUnavailableError while read-only, so a write is refused before its body is read. */
  assertWritable(): void;
  /** Calls fn whenever health changes; returns the unsubscribe. */
  onHealth(fn: (h: StoreHealth) => void): () => void;
  close(): Promise<void>;
}
