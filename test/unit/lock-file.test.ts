// The lock file that serializes changes to meta.json between processes, on real files.
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockTimeoutError, withLockSync } from '../../server/fs/lock-file.js';

const lockIn = () => path.join(mkdtempSync(path.join(tmpdir(), 'lpstudio-lock-')), 'meta.json.lock');

describe('withLockSync', () => {
  it('holds the lock file (with its pid) while fn runs, removes it afterwards, and returns what fn returns', () => {
    const lock = lockIn();
    const r = withLockSync(lock, () => {
      expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: process.pid });
      return 42;
    });
    expect(r).toBe(42);
    expect(existsSync(lock)).toBe(false);
  });

  it('releases the lock when fn throws, and lets a nested take of the same lock through', () => {
    const lock = lockIn();
    const boom = () => {
      throw new Error('boom');
    };
    expect(() => withLockSync(lock, () => withLockSync(lock, boom))).toThrow('boom');
    expect(existsSync(lock)).toBe(false);
  });

  it('waits for a live holder and then fails with a message naming the file, the holder and the fix', () => {
    const lock = lockIn();
    const holder = { pid: process.ppid, at: '2026-01-01T00:00:00.000Z', nonce: '0123456789abcdef' };
    writeFileSync(lock, JSON.stringify(holder));
    let ran = false;
    const t = () => withLockSync(lock, () => (ran = true), { timeoutMs: 200 });
    expect(t).toThrow(LockTimeoutError);
    expect(t).toThrow(`${lock} is held by process ${process.ppid} (since 2026-01-01T00:00:00.000Z)`);
    expect(t).toThrow(/delete that file and retry/);
    expect(ran).toBe(false);
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toEqual(holder); // never broken
  });

  it('breaks a lock whose process is gone, or that is older than any holder keeps one', () => {
    const lock = lockIn();
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 7, at: new Date().toISOString(), nonce: 'aaaaaaaaaaaaaaaa' }));
    expect(withLockSync(lock, () => 'dead holder', { timeoutMs: 5000 })).toBe('dead holder');
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, at: '2020-01-01T00:00:00.000Z', nonce: 'bbbbbbbbbbbbbbbb' }));
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);
    expect(withLockSync(lock, () => 'old lock', { timeoutMs: 5000, staleMs: 60_000 })).toBe('old lock');
    expect(existsSync(lock)).toBe(false);
  });
});
