// The write-ahead log: one append-only file per generation (<dataDir>/wal/<gen>.wal), shared by
// all buckets. Each record is framed as [u32 payload length][u32 CRC32 of payload][payload], so
// recovery can tell a torn or corrupt tail from a complete record. The payload keeps the request
// body exactly as accepted (no re-serialization) plus what replay needs to reach the same result.
//
// Group commit: write() callers queue records; one flush writes everything queued with a single
// positioned writev and a single fdatasync, then commits (applies) and acknowledges all of them in
// log order: a write is visible only once its record is durable. Records queued while a flush
// runs go out together in the next one.
//
// When a batch cannot be written or synced (ENOSPC, EIO, EDQUOT, ...), nothing of it counts and
// the log goes read-only: every write is refused with StoreUnavailableError, the file is cut back
// to its durable size (and read back) before anything is appended again, and the disk is tried
// every WAL_RETRY_MS until a probe of the failed batch's size goes through.
import { closeSync, fdatasync, fstatSync, fsyncSync, ftruncate, ftruncateSync, openSync, readFileSync, readSync, rmSync, writev } from 'node:fs';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { Precision } from '../../lineprotocol/types.js';
import { StoreUnavailableError, type StoreHealth } from './api.js';
import { fsyncDir, type SyncCounter } from './durable.js';
import { injectFault } from './faults.js';

export interface WalWriteRecord {
  kind: 'write';
  bucketId: string;
  precision: Precision;
  defaultTime: string;
  /** The store's clock (ns) when the write was applied: replay judges retention by it. */
  now: bigint;
  /** The bucket's retention when the write was applied. */
  retentionSeconds: number;
  body: Uint8Array;
}

/** Marks a bucket's data as deleted: replay forgets what earlier records put there. */
export interface WalDeleteRecord {
  kind: 'delete';
  bucketId: string;
}

export type WalRecord = WalWriteRecord | WalDeleteRecord;

const KIND_WRITE = 1;
const KIND_DELETE = 2;
const FRAME = 8;
const ID_LEN = 16;
/** Smallest valid payload: kind + bucket id. Rules out a zero-filled tail (CRC32 of nothing is 0). */
const MIN_PAYLOAD = 1 + ID_LEN;
/** Larger length fields can only be garbage. */
const MAX_PAYLOAD = 2 ** 31;
const PRECISION_CODES: readonly Precision[] = ['ns', 'us', 'ms', 's', 'm', 'h'];

export function walFileName(gen: number): string {
  return `${String(gen).padStart(12, '0')}.wal`;
}

export function parseWalFileName(name: string): number | undefined {
  const m = /^(\d{12})\.wal$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Frames a record: the returned buffers are written back to back (the body is not copied). */
export function encodeRecord(r: WalRecord): Buffer[] {
  if (r.kind === 'delete') {
    const b = Buffer.alloc(FRAME + MIN_PAYLOAD);
    b[FRAME] = KIND_DELETE;
    b.write(r.bucketId, FRAME + 1, ID_LEN, 'latin1');
    b.writeUInt32LE(MIN_PAYLOAD, 0);
    b.writeUInt32LE(crc32(b.subarray(FRAME)), 4);
    return [b];
  }
  const dt = r.defaultTime;
  const now = r.now.toString();
  const headLen = 1 + ID_LEN + 1 + 1 + dt.length + 1 + now.length + 8;
  const b = Buffer.alloc(FRAME + headLen);
  let o = FRAME;
  b[o++] = KIND_WRITE;
  o += b.write(r.bucketId, o, ID_LEN, 'latin1');
  b[o++] = PRECISION_CODES.indexOf(r.precision);
  b[o++] = dt.length;
  o += b.write(dt, o, 'latin1');
  b[o++] = now.length;
  o += b.write(now, o, 'latin1');
  b.writeDoubleLE(r.retentionSeconds, o);
  const body = Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength);
  b.writeUInt32LE(headLen + body.length, 0);
  b.writeUInt32LE(crc32(body, crc32(b.subarray(FRAME))), 4);
  return [b, body];
}

function decodePayload(p: Buffer): WalRecord | undefined {
  const kind = p[0];
  const bucketId = p.toString('latin1', 1, 1 + ID_LEN);
  if (kind === KIND_DELETE) return p.length === MIN_PAYLOAD ? { kind: 'delete', bucketId } : undefined;
  if (kind !== KIND_WRITE) return undefined;
  let o = 1 + ID_LEN;
  const precision = PRECISION_CODES[p[o++]];
  const dtLen = p[o++];
  const defaultTime = p.toString('latin1', o, o + dtLen);
  o += dtLen;
  const nowLen = p[o++];
  const now = p.toString('latin1', o, o + nowLen);
  o += nowLen;
  if (precision === undefined || o + 8 > p.length || !/^-?\d+$/.test(defaultTime) || !/^-?\d+$/.test(now)) return undefined;
  const retentionSeconds = p.readDoubleLE(o);
  o += 8;
  return { kind: 'write', bucketId, precision, defaultTime, now: BigInt(now), retentionSeconds, body: p.subarray(o) };
}

export interface WalScan {
  /** Offset just past the last complete, intact record. */
  validEnd: number;
  /** Why the scan stopped before the end of the buffer. */
  problem?: string;
}

/**
 * Where a scan finds bytes: `view(off, n)` returns a buffer holding the n bytes at offset `off`
 * of the log (from `at` on). The caller guarantees off + n <= size.
 */
type ByteView = (off: number, n: number) => { buf: Buffer; at: number };

/** The framing rules, once: calls onRecord for each intact record; stops at the first torn or corrupt one. */
function scanFrames(size: number, view: ByteView, onRecord: (r: WalRecord, offset: number) => void): WalScan {
  let off = 0;
  while (off < size) {
    if (size - off < FRAME) return { validEnd: off, problem: `torn record header at offset ${off}` };
    const head = view(off, FRAME);
    const len = head.buf.readUInt32LE(head.at);
    const crc = head.buf.readUInt32LE(head.at + 4);
    if (len < MIN_PAYLOAD || len > MAX_PAYLOAD) return { validEnd: off, problem: `invalid record length ${len} at offset ${off}` };
    if (off + FRAME + len > size) return { validEnd: off, problem: `torn record at offset ${off} (${len + FRAME} bytes framed, ${size - off} present)` };
    const whole = view(off, FRAME + len);
    const payload = whole.buf.subarray(whole.at + FRAME, whole.at + FRAME + len);
    if (crc32(payload) !== crc) return { validEnd: off, problem: `CRC mismatch in record at offset ${off}` };
    const rec = decodePayload(payload);
    if (rec === undefined) return { validEnd: off, problem: `undecodable record at offset ${off}` };
    onRecord(rec, off);
    off += FRAME + len;
  }
  return { validEnd: off };
}

/** Calls onRecord for each intact record of an in-memory log; stops at the first torn or corrupt one. */
export function scanWal(buf: Buffer, onRecord: (r: WalRecord, offset: number) => void): WalScan {
  return scanFrames(buf.length, (off) => ({ buf, at: off }), onRecord);
}

/** Bytes read at a time when replaying a log file. */
export const WAL_READ_CHUNK = 4 * 1024 * 1024;

/**
 * Replays a log file of any size: reads it `chunkBytes` at a time (a record bigger than that
 * gets a buffer of its own) and hands records to onRecord one by one, so memory is bounded by
 * the chunk and the largest record, not by the file. A record's body is only valid during its
 * onRecord call (the buffer is not kept). Stops at the first torn or corrupt record.
 */
export function scanWalFile(file: string, onRecord: (r: WalRecord, offset: number) => void, chunkBytes = WAL_READ_CHUNK): WalScan & { size: number } {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    let buf = Buffer.alloc(0);
    let bufStart = 0;
    const view: ByteView = (off, n) => {
      if (off < bufStart || off + n > bufStart + buf.length) {
        // A fresh buffer from `off`: the previous one may still be referenced by a record.
        buf = Buffer.allocUnsafe(Math.min(Math.max(chunkBytes, n), size - off));
        bufStart = off;
        readFullyAt(fd, buf, off);
      }
      return { buf, at: off - bufStart };
    };
    return { ...scanFrames(size, view, onRecord), size };
  } finally {
    closeSync(fd);
  }
}

function readFullyAt(fd: number, buf: Buffer, pos: number): void {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, pos + got);
    if (n === 0) throw new Error(`WAL file shrank while being read (at offset ${pos + got})`);
    got += n;
  }
}

interface Pending {
  gen: number;
  /** Empty for a barrier (see rotate()). */
  bufs: Buffer[];
  bytes: number;
  /** Runs in log order: a record's once it is durable, a barrier's once everything before it settled. */
  commit: () => void;
  resolve: () => void;
  reject: (e: Error) => void;
}

interface WalFile {
  fd: number;
  /** Bytes durably written (the next record goes here). */
  size: number;
  dirSynced: boolean;
}

/** Why the log stopped taking records, while it is read-only. */
interface Failure {
  code: string;
  /** e.g. "no space left on device (writing the write-ahead log)". */
  why: string;
  todo: string;
  since: Date;
  /** Size of the probe that must go through before records are taken again. */
  probeBytes: number;
}

/** Tries the disk this often while the log is read-only. */
export const WAL_RETRY_MS = 1000;
/** What a refused client is told to wait (seconds). */
export const RETRY_AFTER_SECONDS = 5;
const MIN_PROBE = 64 * 1024;
const MAX_PROBE = 8 * 1024 * 1024;
const PROBE_FILE = 'probe.tmp';

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for the file system',
  EIO: 'input/output error',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};
const ROOM_CODES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

function describeFailure(e: unknown, op: string, probeBytes: number): Failure {
  const code = typeof (e as NodeJS.ErrnoException)?.code === 'string' ? (e as NodeJS.ErrnoException).code! : 'EIO';
  const text = ERRNO_TEXT[code] ?? `${(e as Error)?.message ?? String(e)}`;
  return {
    code,
    why: `${text} (${op} the write-ahead log)`,
    todo: ROOM_CODES.has(code) ? 'retry when the disk has room' : 'retry once the disk works again',
    since: new Date(),
    probeBytes: Math.min(MAX_PROBE, Math.max(MIN_PROBE, probeBytes)),
  };
}

function writevAt(fd: number, bufs: Buffer[], pos: number): Promise<number> {
  return new Promise((resolve, reject) => writev(fd, bufs, pos, (e, n) => (e ? reject(e) : resolve(n))));
}

async function writeAllAt(fd: number, bufs: Buffer[], pos: number): Promise<void> {
  let rest = bufs;
  let fault: Error | undefined;
  try {
    injectFault('wal-write');
  } catch (e) {
    // Injected: half of the batch reaches the file first, as a real short write before ENOSPC.
    fault = e as Error;
    let half = bufs.reduce((n, b) => n + b.length, 0) >> 1;
    rest = [];
    for (const b of bufs) {
      if (half <= 0) break;
      rest.push(b.subarray(0, half));
      half -= b.length;
    }
  }
  while (rest.length > 0) {
    let n = await writevAt(fd, rest, pos);
    pos += n;
    // Short write: skip what went out and retry with the remainder.
    let i = 0;
    while (i < rest.length && n >= rest[i].length) n -= rest[i++].length;
    rest = rest.slice(i);
    if (n > 0) rest[0] = rest[0].subarray(n);
  }
  if (fault) throw fault;
}

const datasync = (fd: number) =>
  new Promise<void>((resolve, reject) => {
    try {
      injectFault('wal-fsync');
    } catch (e) {
      reject(e as Error);
      return;
    }
    fdatasync(fd, (e) => (e ? reject(e) : resolve()));
  });
const truncate = (fd: number, len: number) => new Promise<void>((resolve, reject) => ftruncate(fd, len, (e) => (e ? reject(e) : resolve())));

export interface WalWriterOptions {
  log?: (msg: string) => void;
  /** Called when the log stops or resumes taking records. */
  onHealth?: (h: StoreHealth) => void;
  /**
   * Whoever retries the disk while the log is read-only (the store's maintenance queue calls
   * recheck()). Absent: the writer retries by itself every WAL_RETRY_MS.
   */
  rechecked?: 'by-caller';
}

export class WalWriter {
  private readonly files = new Map<number, WalFile>();
  private queue: Pending[] = [];
  private flushing = false;
  private last: Promise<void> = Promise.resolve();
  private trimming: Promise<void> = Promise.resolve();
  /** Set while the log is read-only: a write or fsync failed and the disk has not proved healthy since. */
  private failure: Failure | null = null;
  /** Generations whose file may hold bytes past its durable size (a failed batch) until cut back. */
  private readonly dirty = new Set<number>();
  private retryTimer: NodeJS.Timeout | undefined;
  private recovering = false;
  private readonly log: (msg: string) => void;
  /** Generation new records go to; -1 once closed. */
  gen: number;

  constructor(
    private readonly dir: string,
    gen: number,
    private readonly counter: SyncCounter,
    private readonly opts: WalWriterOptions = {},
  ) {
    this.log = opts.log ?? (() => {});
    this.gen = gen;
    this.files.set(gen, this.openFile(gen));
  }

  /** Bytes in the log files still on disk (written ones). */
  get bytes(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.size;
    return n;
  }

  health(): StoreHealth {
    const f = this.failure;
    if (f === null) return { writable: true };
    return {
      writable: false,
      code: f.code,
      since: f.since.toISOString(),
      reason: `${f.why} since ${f.since.toISOString()}`,
    };
  }

  /**
   * Queues a framed record for the current generation; resolves once it is on disk and `commit`
   * ran. Commits run synchronously in log order, so what they apply is what replay applies.
   * Rejects with StoreUnavailableError when the record could not be made durable (nothing of it
   * counts: the file is cut back before another record is taken) or the log is read-only.
   */
  append(bufs: Buffer[], commit: () => void = () => {}): Promise<void> {
    if (this.gen < 0) return Promise.reject(new Error('the store is closed'));
    if (this.failure) return Promise.reject(this.readOnlyError());
    let bytes = 0;
    for (const b of bufs) bytes += b.length;
    return this.enqueue({ gen: this.gen, bufs, bytes, commit });
  }

  /** Resolves when everything queued so far has been flushed (or failed). */
  drain(): Promise<void> {
    return this.last;
  }

  /**
   * Starts a new generation for records appended from now on (with openNext false, when closing,
   * further appends are refused) and returns the previous one. `atBoundary` runs after every
   * record of the previous generations was committed or refused and before any newer one is
   * committed: the moment to freeze what the frozen generation holds. `boundary` resolves after it.
   */
  rotate(openNext: boolean, atBoundary: () => void = () => {}): { frozen: number; boundary: Promise<void> } {
    const frozen = this.gen;
    if (openNext) {
      // Open first: should that fail, nothing changed.
      const f = this.openFile(frozen + 1);
      this.gen = frozen + 1;
      this.files.set(this.gen, f);
    } else this.gen = -1;
    const boundary = this.enqueue({ gen: frozen, bufs: [], bytes: 0, commit: atBoundary });
    return { frozen, boundary };
  }

  /**
   * Closes and deletes the files of generations <= gen (their contents are in segments); also
   * `others`, files replayed at start-up. Everything appended to them must have been drained.
   * The unlinks run in the background: deleting big files keeps the kernel busy for a while,
   * and files the checkpoint already covers are deleted at start-up should a crash come first.
   */
  deleteThrough(gen: number, others: readonly number[] = []): void {
    const doomed: string[] = [];
    for (const [g, f] of [...this.files]) {
      if (g > gen) continue;
      closeSync(f.fd);
      this.files.delete(g);
      this.dirty.delete(g);
      doomed.push(path.join(this.dir, walFileName(g)));
    }
    for (const g of others) if (g <= gen) doomed.push(path.join(this.dir, walFileName(g)));
    if (doomed.length === 0) return;
    const before = this.trimming;
    this.trimming = (async () => {
      await before;
      await Promise.all(doomed.map((f) => unlink(f).catch(() => {})));
      await fsyncDir(this.dir, this.counter);
    })().catch(() => {});
  }

  /** Resolves when deletions started so far are done. */
  trimmed(): Promise<void> {
    return this.trimming;
  }

  async close(): Promise<void> {
    if (this.gen >= 0) this.gen = -1;
    clearInterval(this.retryTimer);
    this.retryTimer = undefined;
    await this.drain();
    await this.trimming;
    for (const f of this.files.values()) closeSync(f.fd);
    this.files.clear();
  }

  private enqueue(p: Omit<Pending, 'resolve' | 'reject'>): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.queue.push({ ...p, resolve, reject }));
    this.last = done.catch(() => {});
    if (!this.flushing) void this.flush();
    return done;
  }

  private openFile(gen: number): WalFile {
    const fd = openSync(path.join(this.dir, walFileName(gen)), 'w');
    return { fd, size: 0, dirSynced: false };
  }

  assertWritable(): void {
    if (this.failure) throw this.readOnlyError();
  }

  private readOnlyError(): StoreUnavailableError {
    const f = this.failure!;
    return new StoreUnavailableError(
      `the endpoint is read-only since ${f.since.toISOString()}: ${f.why}; nothing of this request was stored; ${f.todo} (writes are taken again on their own once the disk recovers)`,
      f.code,
      RETRY_AFTER_SECONDS,
    );
  }

  /** Takes the next run of same-generation entries off the queue and starts writing it. */
  private startBatch(): { batch: Pending[]; io: Promise<unknown> } | null {
    if (this.queue.length === 0) return null;
    const gen = this.queue[0].gen;
    let n = 0;
    while (n < this.queue.length && this.queue[n].gen === gen) n++;
    const batch = this.queue.splice(0, n);
    const bufs: Buffer[] = [];
    let bytes = 0;
    for (const p of batch) {
      bytes += p.bytes;
      for (const b of p.bufs) bufs.push(b);
    }
    if (bytes === 0) return { batch, io: Promise.resolve(null) };
    if (this.failure) return { batch, io: Promise.resolve(this.readOnlyError()) };
    return { batch, io: this.writeBatch(gen, bufs, bytes) };
  }

  /** Writes and fsyncs a batch at the file's durable end; resolves with the error, or null. */
  private async writeBatch(gen: number, bufs: Buffer[], bytes: number): Promise<unknown> {
    const f = this.files.get(gen);
    if (f === undefined) return new Error(`write-ahead log generation ${gen} is closed`);
    let op = 'writing';
    try {
      await writeAllAt(f.fd, bufs, f.size);
      op = 'syncing';
      // A new log file's directory entry must be durable before its records count.
      if (!f.dirSynced) {
        await fsyncDir(this.dir, this.counter);
        f.dirSynced = true;
      }
      await datasync(f.fd);
      this.counter.fsyncs++;
      f.size += bytes;
      return null;
    } catch (e) {
      await this.stop(e, op, gen, bytes);
      const fl = this.failure!;
      return new StoreUnavailableError(`${fl.why}: nothing of this request was stored; ${fl.todo}`, fl.code, RETRY_AFTER_SECONDS);
    }
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      let cur = this.startBatch();
      while (cur !== null) {
        const err = await cur.io;
        // Records queued meanwhile go to disk while this batch is committed.
        const next = err === null ? this.startBatch() : null;
        for (const p of cur.batch) {
          if (err !== null && p.bytes > 0) {
            p.reject(err as Error);
            continue;
          }
          try {
            p.commit();
            p.resolve();
          } catch (e) {
            this.log(`store: applying a durable write-ahead log record failed: ${(e as Error)?.stack ?? String(e)}`);
            p.reject(e as Error);
          }
        }
        cur = next ?? this.startBatch();
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * A batch failed: the log goes read-only (never truncate and carry on), cuts the batch's bytes
   * off at once if it can, and tries the disk every WAL_RETRY_MS until it works again.
   */
  private async stop(e: unknown, op: string, gen: number, bytes: number): Promise<void> {
    const first = this.failure === null;
    if (first) this.failure = describeFailure(e, op, bytes);
    this.dirty.add(gen);
    this.log(`store: ${this.failure!.why}: ${(e as Error)?.message ?? String(e)}; the endpoint is read-only until the disk works again`);
    try {
      await this.cutBack();
    } catch {
      // Retried with the probe.
    }
    if (first) {
      this.opts.onHealth?.(this.health());
      if (this.opts.rechecked === 'by-caller') return;
      this.retryTimer = setInterval(() => void this.retry(), WAL_RETRY_MS);
      this.retryTimer.unref();
    }
  }

  /** Whether the log refuses records now (a write or fsync failed; see recheck). */
  get readOnly(): boolean {
    return this.failure !== null;
  }

  /** One try of the disk while read-only; the log takes records again once it goes through. */
  recheck(): Promise<void> {
    return this.retry();
  }

  /**
   * Cuts every file a failed batch touched back to its durable size, durably. After a failed
   * fsync the page cache may have lost pages, so the file is reopened and read back: it must
   * hold exactly its acknowledged records before anything more is appended.
   */
  private async cutBack(): Promise<void> {
    for (const gen of [...this.dirty]) {
      const f = this.files.get(gen);
      if (f === undefined) {
        this.dirty.delete(gen);
        continue;
      }
      await truncate(f.fd, f.size);
      await datasync(f.fd);
      const file = path.join(this.dir, walFileName(gen));
      const fd = openSync(file, 'r+');
      closeSync(f.fd);
      f.fd = fd;
      const buf = readFileSync(file);
      const scan = scanWal(buf, () => {});
      if (buf.length !== f.size || scan.validEnd !== f.size) {
        throw new Error(`${walFileName(gen)} reads back ${buf.length} bytes, ${scan.validEnd} of them intact, where ${f.size} were acknowledged${scan.problem ? ` (${scan.problem})` : ''}`);
      }
      this.dirty.delete(gen);
    }
  }

  /** One try of the disk while read-only: cut back, then a probe of the failed batch's size. */
  private async retry(): Promise<void> {
    if (this.recovering || this.failure === null || this.gen < 0) return;
    this.recovering = true;
    const probe = path.join(this.dir, PROBE_FILE);
    let op = 'cutting back';
    try {
      await this.cutBack();
      op = 'probing';
      const fd = openSync(probe, 'w');
      try {
        await writeAllAt(fd, [Buffer.alloc(this.failure.probeBytes)], 0);
        await datasync(fd);
      } finally {
        closeSync(fd);
        rmSync(probe, { force: true });
      }
      const was = this.failure;
      this.failure = null;
      clearInterval(this.retryTimer);
      this.retryTimer = undefined;
      this.log(`store: the write-ahead log is writable again (read-only since ${was.since.toISOString()}: ${was.why}); taking writes`);
      this.opts.onHealth?.(this.health());
    } catch (e) {
      rmSync(probe, { force: true });
      const was = this.failure;
      const f = describeFailure(e, op === 'probing' ? 'writing' : op, was?.probeBytes ?? MIN_PROBE);
      if (was !== null && f.code !== was.code) {
        // A different trouble now (e.g. the space came back but the device fails): report that.
        this.failure = { ...f, since: was.since };
        this.opts.onHealth?.(this.health());
      }
    } finally {
      this.recovering = false;
    }
  }
}

/** Cuts a torn or corrupt tail off a log file, durably (recovery). */
export function truncateWalFile(file: string, length: number, counter: SyncCounter): void {
  const fd = openSync(file, 'r+');
  try {
    ftruncateSync(fd, length);
    fsyncSync(fd);
    counter.fsyncs++;
  } finally {
    closeSync(fd);
  }
}
