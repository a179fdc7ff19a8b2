// The write-ahead log: one append-only file per generation (<dataDir>/wal/<gen>.wal), shared by
// all buckets. Each record is framed as [u32 payload length][u32 CRC32 of payload][payload], so
// recovery can tell a torn or corrupt tail from a complete record. The payload keeps the request
// body exactly as accepted (no re-serialization) plus what replay needs to reach the same result.
//
// Group commit: write() callers queue records; one flush writes everything queued with a single
// positioned writev and a single fdatasync, and acknowledges all of them. Records queued while a
// flush runs go out together in the next one.
import { closeSync, fdatasync, fstatSync, fsyncSync, ftruncate, ftruncateSync, openSync, readSync, writev } from 'node:fs';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { Precision } from '../../lineprotocol/types.js';
import { fsyncDir, type SyncCounter } from './durable.js';

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
  bufs: Buffer[];
  bytes: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

interface WalFile {
  fd: number;
  /** Bytes durably written (the next record goes here). */
  size: number;
  dirSynced: boolean;
}

function writevAt(fd: number, bufs: Buffer[], pos: number): Promise<number> {
  return new Promise((resolve, reject) => writev(fd, bufs, pos, (e, n) => (e ? reject(e) : resolve(n))));
}

async function writeAllAt(fd: number, bufs: Buffer[], pos: number): Promise<void> {
  let rest = bufs;
  while (rest.length > 0) {
    let n = await writevAt(fd, rest, pos);
    pos += n;
    // Short write: skip what went out and retry with the remainder.
    let i = 0;
    while (i < rest.length && n >= rest[i].length) n -= rest[i++].length;
    rest = rest.slice(i);
    if (n > 0) rest[0] = rest[0].subarray(n);
  }
}

const datasync = (fd: number) => new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));
const truncate = (fd: number, len: number) => new Promise<void>((resolve, reject) => ftruncate(fd, len, (e) => (e ? reject(e) : resolve())));

export class WalWriter {
  private readonly files = new Map<number, WalFile>();
  private queue: Pending[] = [];
  private flushing = false;
  private last: Promise<void> = Promise.resolve();
  private trimming: Promise<void> = Promise.resolve();
  /** Set when a failed flush could not be cut back: nothing more may be acknowledged. */
  private broken: Error | null = null;
  /** Generation new records go to; -1 once closed. */
  gen: number;

  constructor(
    private readonly dir: string,
    gen: number,
    private readonly counter: SyncCounter,
  ) {
    this.gen = gen;
    this.openFile(gen);
  }

  /** Bytes in the log files still on disk (written ones). */
  get bytes(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.size;
    return n;
  }

  /** Queues a framed record for the current generation; resolves once it is on disk. */
  append(bufs: Buffer[]): Promise<void> {
    if (this.gen < 0) return Promise.reject(new Error('the store is closed'));
    if (this.broken) return Promise.reject(this.broken);
    let bytes = 0;
    for (const b of bufs) bytes += b.length;
    const p = new Promise<void>((resolve, reject) => this.queue.push({ gen: this.gen, bufs, bytes, resolve, reject }));
    this.last = p.catch(() => {});
    if (!this.flushing) void this.flush();
    return p;
  }

  /** Resolves when everything queued so far has been flushed (or failed). */
  drain(): Promise<void> {
    return this.last;
  }

  /**
   * Starts a new generation for records appended from now on and returns the previous one.
   * With openNext false (closing), further appends are refused.
   */
  rotate(openNext: boolean): number {
    const frozen = this.gen;
    if (openNext) {
      this.gen = frozen + 1;
      this.openFile(this.gen);
    } else this.gen = -1;
    return frozen;
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
    await this.drain();
    await this.trimming;
    for (const f of this.files.values()) closeSync(f.fd);
    this.files.clear();
  }

  private openFile(gen: number): void {
    const fd = openSync(path.join(this.dir, walFileName(gen)), 'w');
    this.files.set(gen, { fd, size: 0, dirSynced: false });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const gen = this.queue[0].gen;
        let n = 0;
        while (n < this.queue.length && this.queue[n].gen === gen) n++;
        const batch = this.queue.splice(0, n);
        const f = this.files.get(gen)!;
        let bytes = 0;
        const bufs: Buffer[] = [];
        for (const p of batch) {
          bytes += p.bytes;
          for (const b of p.bufs) bufs.push(b);
        }
        try {
          if (this.broken) throw this.broken;
          await writeAllAt(f.fd, bufs, f.size);
          // A new log file's directory entry must be durable before its records count.
          if (!f.dirSynced) {
            await fsyncDir(this.dir, this.counter);
            f.dirSynced = true;
          }
          await datasync(f.fd);
          this.counter.fsyncs++;
          f.size += bytes;
          for (const p of batch) p.resolve();
        } catch (e) {
          // Cut off whatever part of the batch reached the file, so that later records do not sit
          // behind a torn one (recovery stops at the first bad record).
          if (!this.broken) {
            try {
              await truncate(f.fd, f.size);
            } catch (e2) {
              this.broken = e2 as Error;
            }
          }
          for (const p of batch) p.reject(e as Error);
        }
      }
    } finally {
      this.flushing = false;
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
