// File-system steps whose order makes changes survive a crash: a new directory entry is only
// durable once its parent directory is fsynced (whole-file replacement lives in
// server/fs/atomic-file.ts).
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDirectorySync } from '../fs/atomic-file.js';

/** Where each store counts its fsyncs (for stats()). */
export interface SyncCounter {
  fsyncs: number;
}

export function fsyncDirSync(dir: string, c: SyncCounter): void {
  fsyncDirectorySync(dir, c);
}

export async function fsyncDir(dir: string, c: SyncCounter): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
    c.fsyncs++;
  } finally {
    await h.close();
  }
}

/** mkdir -p that also makes each directory it creates durable in its parent. */
export function ensureDirSync(dir: string, c: SyncCounter): void {
  const missing: string[] = [];
  let d = path.resolve(dir);
  while (!exists(d)) {
    missing.push(d);
    const parent = path.dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const m of missing.reverse()) {
    mkdirSync(m);
    fsyncDirSync(path.dirname(m), c);
  }
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes a directory tree so that a crash never leaves half of it looking live: first an atomic
 * rename to `<name>.deleting` (made durable), then the slow recursive delete.
 */
export async function removeTreeDurably(dir: string, c: SyncCounter): Promise<void> {
  if (!exists(dir)) return;
  const doomed = `${dir}.deleting`;
  await rm(doomed, { recursive: true, force: true });
  await rename(dir, doomed);
  await fsyncDir(path.dirname(dir), c);
  await rm(doomed, { recursive: true, force: true });
}

/** Finishes deletions and temporary files a crash interrupted (names this module gives them). */
export function sweepLeftovers(dir: string, c: SyncCounter): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  let changed = false;
  for (const name of names) {
    if (name.endsWith('.deleting') || name.endsWith('.tmp')) {
      rmSync(path.join(dir, name), { recursive: true, force: true });
      changed = true;
    }
  }
  if (changed) fsyncDirSync(dir, c);
}
