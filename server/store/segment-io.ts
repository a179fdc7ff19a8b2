// Writes segment files on a worker thread: compression, writes, fsync, rename and the directory
// fsync run there, so that a compaction costs the busy main thread a message per chunk instead
// of a turn per file-system step, and deflate runs on another core. Chunks are streamed to it as
// they are encoded (moved, not copied, with a bounded number in flight): neither thread ever
// holds a whole segment, so a merge's memory does not grow with the size of what it merges.
// The worker is plain JavaScript with no imports from this project, so it runs the same from
// sources and from dist.
import { Worker } from 'node:worker_threads';

export interface SegmentFileStart {
  tmp: string;
  file: string;
  dir: string;
  head: string;
}

export interface SegmentFileEnd {
  /** The index without its `chunks` entries, which the worker fills in. */
  index: Record<string, unknown>;
  /** The index's binary part (segment.ts, index version 2): the index is then u32 JSON length, the JSON, padding to 8, this. */
  tail?: Uint8Array;
  footMagic: string;
}

export interface SegmentFileResult {
  bytes: number;
  /** [file offset, stored length, raw length, codec, CRC32 of the stored bytes] */
  chunks: [number, number, number, number, number][];
  fsyncs: number;
}

/** Chunks sent and not yet written before chunk() waits (each at most about 128 KB raw). */
const IN_FLIGHT = 8;

// Built-ins come from process.getBuiltinModule: the worker inherits the parent's flags, and under
// --input-type=module eval'd code is ESM, where require does not exist (and import is a syntax
// error for CommonJS).
const WORKER_SOURCE = `
'use strict';
const load = (m) => (typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule(m) : require(m));
const { parentPort } = load('node:worker_threads');
const fs = load('node:fs');
const zlib = load('node:zlib');
const CODEC_RAW = 0, CODEC_DEFLATE = 1;
function writeAll(fd, buf, pos) {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off, pos + off);
}
const jobs = new Map();
function begin(m) {
  const fd = fs.openSync(m.tmp, 'w');
  const job = { fd, pos: 0, chunks: [], tmp: m.tmp, file: m.file, dir: m.dir };
  jobs.set(m.id, job);
  const head = Buffer.from(m.head, 'latin1');
  writeAll(fd, head, 0);
  job.pos = head.length;
}
function chunk(job, raw) {
  const z = zlib.deflateRawSync(raw, { level: 1 });
  const deflated = z.length < raw.length * 0.9;
  const stored = deflated ? z : raw;
  job.chunks.push([job.pos, stored.length, raw.length, deflated ? CODEC_DEFLATE : CODEC_RAW, zlib.crc32(stored)]);
  writeAll(job.fd, stored, job.pos);
  job.pos += stored.length;
}
function finish(job, m) {
  let ib = Buffer.from(JSON.stringify({ ...m.index, chunks: job.chunks }), 'utf8');
  if (m.tail) {
    const at = (4 + ib.length + 7) & ~7;
    const whole = Buffer.alloc(at + m.tail.byteLength);
    whole.writeUInt32LE(ib.length, 0);
    ib.copy(whole, 4);
    whole.set(m.tail, at);
    ib = whole;
  }
  const foot = Buffer.alloc(24);
  foot.write(m.footMagic, 0, 'latin1');
  foot.writeBigUInt64LE(BigInt(job.pos), 8);
  foot.writeUInt32LE(ib.length, 16);
  foot.writeUInt32LE(zlib.crc32(ib), 20);
  writeAll(job.fd, ib, job.pos);
  job.pos += ib.length;
  writeAll(job.fd, foot, job.pos);
  job.pos += foot.length;
  fs.fsyncSync(job.fd);
  fs.closeSync(job.fd);
  job.fd = -1;
  fs.renameSync(job.tmp, job.file);
  const dfd = fs.openSync(job.dir, 'r');
  try { fs.fsyncSync(dfd); } finally { fs.closeSync(dfd); }
  return { bytes: job.pos, chunks: job.chunks, fsyncs: 2 };
}
function drop(job) {
  if (job.fd >= 0) fs.closeSync(job.fd);
  fs.rmSync(job.tmp, { force: true });
}
parentPort.on('message', (m) => {
  const job = jobs.get(m.id);
  try {
    if (m.op === 'begin') begin(m);
    else if (job === undefined) return; // failed earlier: its error has been sent
    else if (m.op === 'chunk') {
      chunk(job, m.raw);
      parentPort.postMessage({ id: m.id, ok: true, written: 1 });
    } else if (m.op === 'finish') {
      jobs.delete(m.id);
      parentPort.postMessage({ id: m.id, ok: true, result: finish(job, m) });
    } else if (m.op === 'abort') {
      jobs.delete(m.id);
      drop(job);
    }
  } catch (e) {
    const j = jobs.get(m.id) ?? job;
    jobs.delete(m.id);
    if (j !== undefined) try { drop(j); } catch {}
    parentPort.postMessage({ id: m.id, ok: false, error: String((e && e.message) || e) });
  }
});
`;

/** One segment file being written: chunks in file order, then finish() (or abort()). */
export interface SegmentFileSink {
  /** Hands a chunk over; resolves once few enough are in flight. The caller must not touch raw again. */
  chunk(raw: Uint8Array): Promise<void>;
  finish(end: SegmentFileEnd): Promise<SegmentFileResult>;
  /** Gives up (the temporary file is removed). */
  abort(): void;
}

interface Job {
  inFlight: number;
  /** Resolves chunk() once the worker has caught up. */
  waiting: (() => void) | null;
  done: ((r: SegmentFileResult) => void) | null;
  error: Error | null;
  fail: ((e: Error) => void) | null;
}

/** A buffer that can be moved to the worker: it alone spans its memory (never a slice of Node's shared pool). */
function movable(raw: Uint8Array): Uint8Array {
  if (raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength && raw.byteLength > Buffer.poolSize >>> 1 && raw.buffer instanceof ArrayBuffer) return raw;
  const copy = new Uint8Array(raw.byteLength);
  copy.set(raw);
  return copy;
}

/** One worker per store, started on first use; messages are handled in order. */
export class SegmentWriter {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly jobs = new Map<number, Job>();

  begin(start: SegmentFileStart): SegmentFileSink {
    const w = this.start();
    const id = this.nextId++;
    const job: Job = { inFlight: 0, waiting: null, done: null, error: null, fail: null };
    this.jobs.set(id, job);
    if (this.jobs.size === 1) w.ref();
    w.postMessage({ id, op: 'begin', ...start });
    const end = () => {
      this.jobs.delete(id);
      if (this.jobs.size === 0) this.worker?.unref();
    };
    return {
      chunk: async (raw) => {
        if (job.error !== null) throw job.error;
        const m = movable(raw);
        job.inFlight++;
        w.postMessage({ id, op: 'chunk', raw: m }, [m.buffer as ArrayBuffer]);
        if (job.inFlight >= IN_FLIGHT) await new Promise<void>((resolve) => (job.waiting = resolve));
        if (job.error !== null) throw job.error;
      },
      finish: (e) =>
        new Promise<SegmentFileResult>((resolve, reject) => {
          if (job.error !== null) {
            end();
            reject(job.error);
            return;
          }
          job.done = (r) => {
            end();
            resolve(r);
          };
          job.fail = (err) => {
            end();
            reject(err);
          };
          w.postMessage({ id, op: 'finish', ...e });
        }),
      abort: () => {
        end();
        w.postMessage({ id, op: 'abort' });
      },
    };
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w !== null) await w.terminate();
  }

  private start(): Worker {
    if (this.worker !== null) return this.worker;
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref(); // referenced only while a job runs
    w.on('message', (m: { id: number; ok: boolean; written?: number; result?: SegmentFileResult; error?: string }) => {
      const job = this.jobs.get(m.id);
      if (job === undefined) return;
      if (!m.ok) {
        this.failJob(job, new Error(m.error));
        return;
      }
      if (m.written !== undefined) {
        job.inFlight -= m.written;
        if (job.inFlight < IN_FLIGHT && job.waiting !== null) {
          const go = job.waiting;
          job.waiting = null;
          go();
        }
      } else if (m.result !== undefined) job.done?.(m.result);
    });
    const fail = (e: Error) => {
      if (this.worker === w) this.worker = null;
      for (const job of [...this.jobs.values()]) this.failJob(job, e);
      this.jobs.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`segment writer exited with code ${code}`)));
    this.worker = w;
    return w;
  }

  /** A job's error reaches whichever of its calls is waiting, or the next one. */
  private failJob(job: Job, e: Error): void {
    job.error = e;
    if (job.waiting !== null) {
      const go = job.waiting;
      job.waiting = null;
      go();
    }
    job.fail?.(e);
  }
}
