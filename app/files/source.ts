// Reads a line-protocol file from disk as a stream of bytes, gunzipped when it is gzip (told by
// its first two bytes, not its name), counting the bytes read from disk so progress and time
// left follow the file's real size even when it is compressed.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

const CHUNK = 64 * 1024;

export async function isGzipFile(file: string): Promise<boolean> {
  const h = await open(file, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await h.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await h.close();
  }
}

/** The file's (decompressed) bytes; `onDiskBytes` gets the running count of bytes read from disk. */
export async function* fileBytes(file: string, onDiskBytes?: (n: number) => void, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const gz = await isGzipFile(file);
  const raw = createReadStream(file, { highWaterMark: CHUNK });
  let disk = 0;
  raw.on('data', (b) => {
    disk += (b as Buffer).length;
    onDiskBytes?.(disk);
  });
  const stream: Readable = gz ? raw.pipe(createGunzip({ chunkSize: CHUNK })) : raw;
  if (gz) raw.on('error', (e) => stream.destroy(e));
  try {
    for await (const b of stream as AsyncIterable<Buffer>) {
      if (signal?.aborted) return;
      yield b;
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (gz && (err.code === 'Z_DATA_ERROR' || err.code === 'Z_BUF_ERROR')) throw new Error(`the file is not valid gzip (${err.message}): it may be truncated or damaged`);
    throw e;
  } finally {
    raw.destroy();
    if (gz) stream.destroy();
  }
}
