// Reads a request body within bounds: the size limit applies to the decompressed bytes
// (InfluxDB 1.x only checks the compressed size, 2.x has no limit), an oversized
// Content-Length is refused before reading, a stalled body times out, and a corrupt gzip
// stream is the client's error (400), never a 500. A body that stalls, or trickles in slower
// than a minimum rate once the first idle window has passed, is cut with a 408.
import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import { HttpError } from './respond.js';

export interface BodyLimits {
  maxBytes: number;
  /** Longest pause between two chunks of the body. */
  idleMs: number;
  /** Slowest average rate a body may arrive at, checked once it has taken longer than idleMs (default 512 bytes/s). */
  minBytesPerSec?: number;
}

export const MIN_BODY_RATE = 512;

const tooLarge = (max: number) =>
  new HttpError('request too large', `unable to read data: points batch is too large (the limit is ${max} bytes after decompression; split the write or raise --max-body)`);

export function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const encoding = req.headers['content-encoding'];
  const gzip = encoding === 'gzip' || encoding === 'x-gzip';
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (!gzip && declared > limits.maxBytes) return Promise.reject(tooLarge(limits.maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const started = performance.now();
    const minRate = limits.minBytesPerSec ?? MIN_BODY_RATE;
    let received = 0;
    let size = 0;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err: HttpError | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err === null) resolve(Buffer.concat(chunks, size));
      else {
        req.unpipe();
        req.resume(); // drain what is left so the connection can answer
        reject(err);
      }
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => finish(new HttpError('request timeout', `request body stalled: no data for ${limits.idleMs / 1000} s`)),
        limits.idleMs,
      );
    };
    // Big output chunks: the default 16 KiB makes a 2 MB batch a hundred callbacks (3x slower).
    const source = gzip ? req.pipe(createGunzip({ chunkSize: 256 * 1024 })) : req;
    arm();
    req.on('data', (c: Buffer) => {
      arm();
      received += c.length;
      const elapsed = performance.now() - started;
      if (elapsed > limits.idleMs && (received * 1000) / elapsed < minRate) {
        finish(new HttpError('request timeout', `request body too slow: ${received} bytes in ${Math.round(elapsed / 1000)} s (under ${minRate} bytes/s)`));
      }
    });
    source.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limits.maxBytes) {
        finish(tooLarge(limits.maxBytes));
        if (gzip) source.destroy();
        return;
      }
      chunks.push(c);
    });
    source.on('end', () => finish(null));
    source.on('error', (e: NodeJS.ErrnoException) => finish(gzipError(e)));
    req.on('aborted', () => finish(new HttpError('invalid', 'unable to read data: the client closed the connection mid-body')));
    req.on('error', () => finish(new HttpError('invalid', 'unable to read data: connection error')));
  });
}

function gzipError(e: NodeJS.ErrnoException): HttpError {
  const m = e.message;
  const text = /header/.test(m)
    ? 'gzip: invalid header'
    : /check/.test(m)
      ? 'gzip: invalid checksum'
      : /unexpected end/.test(m)
        ? 'unexpected EOF'
        : m;
  return new HttpError('invalid', `unable to read data: ${text} (the body is sent with Content-Encoding: gzip but is not valid gzip)`);
}
