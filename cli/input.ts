// Opens line-protocol input as a stream of text chunks: a file, `-` for standard input, and
// `.gz` files through gunzip. Decoding is streaming UTF-8, so any size runs in constant memory.
import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import v8 from 'node:v8';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

/** Small enough that chunk strings stay in V8's young generation and are freed by cheap scavenges. */
export const CHUNK_BYTES = 64 * 1024;

export function openBytes(file: string): Readable {
  const raw: Readable = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: CHUNK_BYTES });
  const stream = file.endsWith('.gz') ? raw.pipe(createGunzip({ chunkSize: CHUNK_BYTES })) : raw;
  if (file.endsWith('.gz')) raw.on('error', (e) => stream.destroy(e));
  return stream;
}

/**
 * Streams a file as text chunks, each with its bytes when the chunk is pure ASCII (so the
 * parser can scan bytes). UTF-8 sequences split across chunks are decoded correctly.
 */
export async function* readChunks(file: string): AsyncGenerator<{ text: string; bytes?: Uint8Array }> {
  const decoder = new TextDecoder('utf-8');
  /** The decoder holds no part of a character: the last byte it was given was ASCII (or none yet). */
  let clean = true;
  for await (const buf of openBytes(file) as AsyncIterable<Buffer>) {
    // An ASCII chunk is its own text: copied as Latin-1 (a one-byte string), several times faster than decoding.
    if (clean && isAscii(buf)) {
      yield { text: buf.toString('latin1'), bytes: buf };
      continue;
    }
    const text = decoder.decode(buf, { stream: true });
    clean = buf.length === 0 || buf[buf.length - 1] < 0x80;
    yield text.length === buf.length ? { text, bytes: buf } : { text };
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield { text: rest };
}

/** Buffered writes to stdout: millions of diagnostic lines must not mean millions of syscalls. */
export class Output {
  private buf = '';
  /** The stream said to wait (its buffer is full): callers that produce a lot await drained(). */
  private waiting = false;
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}
  write(s: string | Uint8Array): void {
    if (typeof s !== 'string') {
      this.flush();
      if (!this.out.write(s)) this.waiting = true;
      return;
    }
    this.buf += s;
    if (this.buf.length > 65536) this.flush();
  }
  flush(): void {
    if (this.buf.length > 0) {
      if (!this.out.write(this.buf)) this.waiting = true;
      this.buf = '';
    }
  }
  /** Resolves once the stream can take more (at once unless it asked to wait), so output stays in bounded memory. */
  async drained(): Promise<void> {
    if (!this.waiting) return;
    this.waiting = false;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', done);
        this.out.off('error', done);
        resolve();
      };
      this.out.once('drain', done);
      this.out.once('close', done);
      this.out.once('error', done);
    });
  }

  async close(): Promise<void> {
    this.flush();
    await new Promise<void>((resolve) => this.out.write('', () => resolve()));
  }
}

/** Young generation (both semi-spaces) past which it stops growing. */
const YOUNG_GENERATION_CAP = 8 * 1024 * 1024;

/**
 * Keeps V8's young generation from growing past YOUNG_GENERATION_CAP in a long run: by default it
 * doubles up to 32 MB as garbage keeps coming (a lint printing millions of warnings), which is a
 * fifth of the process's memory. Call it now and then (e.g. per chunk read); it looks until the cap
 * is reached, then sets the growth factor to 1 (read by V8 at each growth) and is done.
 */
export function capYoungGeneration(): void {
  if (youngCapped) return;
  const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  if (young === undefined || young.space_size < YOUNG_GENERATION_CAP) return;
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  youngCapped = true;
}
let youngCapped = false;
