// An exclusive lock between processes: a lock file created with O_EXCL that holds its owner's
// pid, time and a nonce. Management commands and a running endpoint both take it around every
// read-modify-write of meta.json, so neither can overwrite the other's change. A lock whose
// owner died (pid gone) or that is older than any real holder could be is broken, so a crash
// never leaves the data directory locked for good.
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';

export interface LockOptions {
  /** Give up after waiting this long (ms). */
  timeoutMs?: number;
  /** A lock older than this (ms) is broken whoever holds it: holders keep it for milliseconds. */
  staleMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_STALE_MS = 30_000;

interface Holder {
  pid: number;
  at: string;
  nonce: string;
}

/** Locks this process holds (by lock file): a nested take of the same lock just runs. */
const held = new Set<string>();

export class LockTimeoutError extends Error {}

/** Runs fn while holding the lock file `lockFile` (created, and removed afterwards). */
export function withLockSync<T>(lockFile: string, fn: () => T, opts: LockOptions = {}): T {
  if (held.has(lockFile)) return fn();
  const nonce = acquire(lockFile, opts);
  held.add(lockFile);
  try {
    return fn();
  } finally {
    held.delete(lockFile);
    release(lockFile, nonce);
  }
}

function acquire(lockFile: string, opts: LockOptions): string {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const staleMs = opts.staleMs ?? DEFAULT_STALE_MS;
  const nonce = randomBytes(8).toString('hex');
  const me: Holder = { pid: process.pid, at: new Date().toISOString(), nonce };
  const deadline = Date.now() + timeoutMs;
  let wait = 1;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(me));
      } finally {
        closeSync(fd);
      }
      return nonce;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const seen = readLock(lockFile);
    if (seen === undefined) continue; // released meanwhile
    const why = staleReason(seen, staleMs);
    if (why !== undefined) {
      breakLock(lockFile, seen.raw);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = seen.holder === undefined ? 'another process' : `process ${seen.holder.pid} (since ${seen.holder.at})`;
      throw new LockTimeoutError(
        `${lockFile} is held by ${who} for longer than ${timeoutMs} ms; if no lpstudio process is using this data directory, delete that file and retry`,
      );
    }
    sleepSync(wait);
    wait = Math.min(50, wait * 2);
  }
}

function readLock(lockFile: string): { raw: string; holder?: Holder; ageMs: number } | undefined {
  try {
    const ageMs = Date.now() - statSync(lockFile).mtimeMs;
    const raw = readFileSync(lockFile, 'utf8');
    let holder: Holder | undefined;
    try {
      const j = JSON.parse(raw) as Holder;
      if (Number.isInteger(j.pid) && typeof j.nonce === 'string') holder = j;
    } catch {
      // Being written right now, or garbage: judged by age alone.
    }
    return { raw, holder, ageMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function staleReason(seen: { holder?: Holder; ageMs: number }, staleMs: number): string | undefined {
  if (seen.ageMs > staleMs) return 'too old';
  const h = seen.holder;
  if (h === undefined) return undefined;
  // Our own pid without holding it here: left by an earlier process that had the same pid.
  if (h.pid === process.pid) return 'left by an earlier process with this pid';
  if (!alive(h.pid)) return `its process ${h.pid} is gone`;
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes a stale lock. It is first renamed away (atomic), then checked: should another process
 * have replaced it between our look and the rename, its live lock is put back.
 */
function breakLock(lockFile: string, staleRaw: string): void {
  const aside = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(lockFile, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    if (readFileSync(aside, 'utf8') !== staleRaw) {
      try {
        linkSync(aside, lockFile);
      } catch {
        // Someone took the lock meanwhile; theirs stands.
      }
    }
  } finally {
    rmSync(aside, { force: true });
  }
}

function release(lockFile: string, nonce: string): void {
  const seen = readLock(lockFile);
  // Only our own lock: had it been broken as stale, the file now belongs to someone else.
  if (seen?.holder?.nonce === nonce) rmSync(lockFile, { force: true });
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
