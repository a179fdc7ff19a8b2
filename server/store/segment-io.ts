// Writes segment files on a worker thread: compression, writes, fsync, rename and the directory
// fsync run there as one job, so that a compaction costs the busy main thread one event-loop turn
// instead of one per file-system step, and deflate runs on another core. The worker is plain
// JavaScript with no imports from this project, so it runs the same from sources and from dist.
import { Worker } from 'node:worker_threads';

export interface SegmentFileJob {
  tmp: string;
  file: string;
  dir: string;
  head: string;
  /** Raw chunks (concatenated blocks), in file order. */
  chunks: Uint8Array[];
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
function run(job) {
  const fd = fs.openSync(job.tmp, 'w');
  let pos = 0;
  const chunks = [];
  try {
    const head = Buffer.from(job.head, 'latin1');
    writeAll(fd, head, pos);
    pos += head.length;
    for (const raw of job.chunks) {
      const z = zlib.deflateRawSync(raw, { level: 1 });
      const deflated = z.length < raw.length * 0.9;
      const stored = deflated ? z : raw;
      chunks.push([pos, stored.length, raw.length, deflated ? CODEC_DEFLATE : CODEC_RAW, zlib.crc32(stored)]);
      writeAll(fd, stored, pos);
      pos += stored.length;
    }
    let ib = Buffer.from(JSON.stringify({ ...job.index, chunks }), 'utf8');
    if (job.tail) {
      const at = (4 + ib.length + 7) & ~7;
      const whole = Buffer.alloc(at + job.tail.byteLength);
      whole.writeUInt32LE(ib.length, 0);
      ib.copy(whole, 4);
      whole.set(job.tail, at);
      ib = whole;
    }
    const foot = Buffer.alloc(24);
    foot.write(job.footMagic, 0, 'latin1');
    foot.writeBigUInt64LE(BigInt(pos), 8);
    foot.writeUInt32LE(ib.length, 16);
    foot.writeUInt32LE(zlib.crc32(ib), 20);
    writeAll(fd, ib, pos);
    pos += ib.length;
    writeAll(fd, foot, pos);
    pos += foot.length;
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(job.tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(job.tmp, job.file);
  const dfd = fs.openSync(job.dir, 'r');
  try { fs.fsyncSync(dfd); } finally { fs.closeSync(dfd); }
  return { bytes: pos, chunks, fsyncs: 2 };
}
parentPort.on('message', (m) => {
  try {
    parentPort.postMessage({ id: m.id, ok: true, result: run(m.job) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, error: String((e && e.message) || e) });
  }
});
`;

/** One worker per store, started on first use; jobs run one at a time, in order. */
export class SegmentWriter {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: SegmentFileResult) => void; reject: (e: Error) => void }>();

  write(job: SegmentFileJob): Promise<SegmentFileResult> {
    const w = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) w.ref();
      w.postMessage({ id, job });
    });
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
    w.on('message', (m: { id: number; ok: boolean; result?: SegmentFileResult; error?: string }) => {
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) w.unref();
      if (m.ok) p.resolve(m.result!);
      else p.reject(new Error(m.error));
    });
    const fail = (e: Error) => {
      if (this.worker === w) this.worker = null;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`segment writer exited with code ${code}`)));
    this.worker = w;
    return w;
  }
}
