// Replacing a file so that a crash leaves either the old or the new content, never a mix or
// nothing: write a temporary file beside it, fsync it, rename it over the target, then fsync the
// directory (the rename is only durable once the directory is). Every file the app or the
// endpoint rewrites whole goes through here (meta.json, the send history, profiles, the store's
// checkpoint), so they all get the same guarantee.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** Permission bits of a newly written file (default 0o600: these files hold private data). */
  mode?: number;
  /** Counts the fsyncs made (the bucket store reports them in its stats). */
  counter?: { fsyncs: number };
}

/** Suffix of the temporary files; a crash can leave one behind, which the owner may sweep. */
export const ATOMIC_TEMP_SUFFIX = '.tmp';

/** fsyncs a directory, making the entries created, renamed or removed in it durable. */
export function fsyncDirectorySync(dir: string, counter?: { fsyncs: number }): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
    if (counter) counter.fsyncs++;
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces `file` with exactly `data`, atomically and durably. On failure the old file is left as
 * it was, the temporary file is removed, and the error is thrown.
 */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): void {
  // A unique temporary name: two processes writing the same file never share a temporary file.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}${ATOMIC_TEMP_SUFFIX}`;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    const fd = openSync(tmp, 'wx', opts.mode ?? 0o600);
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
      if (opts.counter) opts.counter.fsyncs++;
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDirectorySync(path.dirname(file), opts.counter);
}

/**
 * Removes temporary files of `file` that a crashed writer left behind: those whose writer
 * process is gone (a live one may be writing right now). Returns the names removed.
 */
export function sweepAtomicTemps(file: string): string[] {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(`${base}.`) || !name.endsWith(ATOMIC_TEMP_SUFFIX)) continue;
    const m = /^\.(\d+)\.[0-9a-f]{8}$/.exec(name.slice(base.length, -ATOMIC_TEMP_SUFFIX.length));
    if (m === null || processAlive(Number(m[1]))) continue;
    rmSync(path.join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return false; // our writes are synchronous: none is under way now
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
