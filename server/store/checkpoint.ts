// The two small files by which compaction (compaction.ts) tells recovery (recovery.ts) how far it
// got: wal/checkpoint, the highest WAL generation whose points are all in segments, and
// wal/compaction, the plan of a compaction under way.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const CHECKPOINT = 'checkpoint';
export const PLAN = 'compaction';
export const MISSING = 'is missing';

/** What a compaction is about to write (wal/compaction), so recovery can tell and prove. */
export const CompactionPlanSchema = z.object({
  v: z.literal(1),
  from: z.number().int().min(1),
  to: z.number().int().min(1),
  /** Segment files it writes, relative to the data directory, with / between names. */
  outputs: z.array(z.string().regex(/^buckets\/[0-9a-f]{16}\/sg-?\d+\/\d{12}-\d{12}\.seg$/)),
  /** [generation, bytes] of the non-empty WAL files whose points the outputs hold. */
  wal: z.array(z.tuple([z.number().int().min(1), z.number().int().min(1)])),
});
export type CompactionPlan = z.infer<typeof CompactionPlanSchema>;

export function planFile(walDir: string): string {
  return path.join(walDir, PLAN);
}

export function checkpointFile(walDir: string): string {
  return path.join(walDir, CHECKPOINT);
}

/** The checkpoint file's generation, or what is wrong with it. */
export function readCheckpoint(file: string): { gen: number; problem?: undefined } | { gen?: undefined; problem: string } {
  let raw: string;
  try {
    raw = readFileSync(file, 'latin1');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { problem: MISSING };
    return { problem: `cannot be read (${(e as Error).message})` };
  }
  if (raw.length === 0) return { problem: 'is empty' };
  const m = /^(\d{1,15})\n?$/.exec(raw);
  if (m === null) return { problem: `is corrupt (${JSON.stringify(raw.slice(0, 40))})` };
  return { gen: Number(m[1]) };
}

/** A file's size; -1 when it is not there. */
export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
}
