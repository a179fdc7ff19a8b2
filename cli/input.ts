// Opens line-protocol input as a stream of text chunks: a file, `-` for standard input, and
// `.gz` files through gunzip. Decoding is streaming UTF-8, so any size runs in constant memory.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

export const CHUNK_BYTES = 1024 * 1024;

export function openText(file: string): Readable {
  const raw: Readable = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: CHUNK_BYTES });
  const stream = file.endsWith('.gz') ? raw.pipe(createGunzip({ chunkSize: CHUNK_BYTES })) : raw;
  if (file.endsWith('.gz')) raw.on('error', (e) => stream.destroy(e));
  stream.setEncoding('utf8');
  return stream;
}

/** Buffered writes to stdout: millions of diagnostic lines must not mean millions of syscalls. */
export class Output {
  private buf = '';
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}
  write(s: string): void {
    this.buf += s;
    if (this.buf.length > 65536) this.flush();
  }
  flush(): void {
    if (this.buf.length > 0) {
      this.out.write(this.buf);
      this.buf = '';
    }
  }
  async close(): Promise<void> {
    this.flush();
    await new Promise<void>((resolve) => this.out.write('', () => resolve()));
  }
}
