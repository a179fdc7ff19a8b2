// Writes: a write's WAL record is made durable first (group commit, fsynced); only then is it
// applied in memory (apply.ts, in log order, so replay reaches the same result) and
// acknowledged. Should the disk fail, nothing of the write is applied and the store is read-only
// until it works again (wal.ts retries it and reports health).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Point } from '../../lineprotocol/types.js';
import type { WalWrite, WriteOutcome } from './api.js';
import { applyPoints, type ApplyOutcome } from './apply.js';
import { removeTreeDurably } from './durable.js';
import type { Bucket } from './groups.js';
import type { StoreState } from './state.js';
import { encodeRecord } from './wal.js';

export type Feed = (apply: (points: readonly Point[]) => void) => void;

/** Makes the write durable, then applies its points; see BucketStore.writeStream. */
export async function writeStream(st: StoreState, w: WalWrite, feed: Feed): Promise<WriteOutcome> {
  if (st.closing) throw new Error('the store is closed');
  const b = st.buckets.get(w.bucketId);
  if (b === undefined) throw new Error(`bucket ${w.bucketId} has no data directory`);
  const now = st.now();
  const retentionSeconds = b.info.retentionSeconds;
  let out: ApplyOutcome | undefined;
  // Applied only once the record is durable, in log order (the WAL writer runs the commit).
  await st.wal.append(encodeRecord({ kind: 'write', bucketId: w.bucketId, precision: w.precision, defaultTime: w.defaultTime, now, retentionSeconds, body: w.body }), () => {
    out = applyFeed(b, feed, now, retentionSeconds, st.gm.seconds);
    st.valuesSinceCompact += out.values;
  });
  const applied = out!;
  st.lastWriteAt = Date.now();
  if (applied.written > 0) st.commits++;
  const result: WriteOutcome = { written: applied.written, dropped: applied.dropped };
  if (applied.reason !== undefined) result.reason = applied.reason;
  return result;
}

/** Whether the memtables hold enough to compact now (values or WAL bytes past their limits). */
export function compactionDue(st: StoreState): boolean {
  return st.valuesSinceCompact >= st.compactValues || st.wal.bytes >= st.compactWalBytes;
}

/** Records a bucket's deletion in the WAL (so replay cannot bring it back), then deletes its data. */
export async function deleteBucket(st: StoreState, id: string): Promise<void> {
  const dir = path.join(st.bucketsDir, id);
  if (!st.buckets.has(id) && !existsSync(dir)) return;
  if (!st.closing) await st.wal.append(encodeRecord({ kind: 'delete', bucketId: id }));
  st.buckets.delete(id);
  await removeTreeDurably(dir, st.counter);
}

/** Applies a write's points as its feed gives them (at commit time, once its record is durable). */
function applyFeed(b: Bucket, feed: Feed, now: bigint, retentionSeconds: number, groupSeconds: number): ApplyOutcome {
  if (retentionSeconds > 0) {
    // Retention decisions look at the whole batch (see retentionFloor): gather it first.
    const all: Point[] = [];
    feed((ps) => {
      for (const p of ps) all.push(p);
    });
    return applyPoints(b, all, now, retentionSeconds, groupSeconds);
  }
  // Without retention, applying chunk by chunk is the same as applying the batch at once
  // (within a batch the first type of a field wins either way).
  const acc: ApplyOutcome = { written: 0, dropped: 0, values: 0 };
  feed((ps) => {
    const o = applyPoints(b, ps, now, 0, groupSeconds);
    acc.written += o.written;
    acc.dropped += o.dropped;
    acc.values += o.values;
    if (acc.reason === undefined && o.reason !== undefined) acc.reason = o.reason;
  });
  return acc;
}
