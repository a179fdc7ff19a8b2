// Start-up recovery of the bucket store when a compaction was cut short: its plan
// (wal/compaction) tells its outputs apart; complete outputs are committed, incomplete ones are
// deleted only when the WAL still holds their points, and anything it cannot prove redundant is
// moved to <data>/quarantine/ rather than deleted. Crash states are built from real files.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from '../../lineprotocol/parse.js';
import type { BucketInfo } from '../../server/store/api.js';
import { openBucketStore } from '../../server/store/index.js';

const B = 'c000000000000001';
const T = 1_700_000_000_000_000_000n;
const WEEK = 8n * 86400n * 1_000_000_000n;
const buckets: BucketInfo[] = [{ id: B, name: 'b', orgId: '0000000000000001', retentionSeconds: 0, createdAt: '2024-01-01T00:00:00Z' }];
const root = mkdtempSync(path.join(tmpdir(), 'lps-recovery-'));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function open(dir: string) {
  const logs: string[] = [];
  const s = await openBucketStore(dir, buckets, { now: () => T, log: (m) => logs.push(m), compactAfterPoints: 1e12, compactAfterWalBytes: 1e12 });
  const rows = s.read({ bucketId: B, measurement: 'm' }).map((p) => `${p.series} ${p.time} ${p.fields.map((f) => `${f.key}=${f.value}`).join(',')}`);
  await s.close();
  return { logs, rows };
}

function copyOf(dir: string): string {
  const d = path.join(root, `case-${n++}`);
  cpSync(dir, d, { recursive: true });
  return d;
}

const rel = (dir: string, f: string) => path.relative(dir, f).split(path.sep).join('/');

function segments(dir: string): string[] {
  const out: string[] = [];
  const bdir = path.join(dir, 'buckets', B);
  for (const g of readdirSync(bdir)) for (const f of readdirSync(path.join(bdir, g))) if (f.endsWith('.seg')) out.push(path.join(bdir, g, f));
  return out.sort();
}

let crashed: string; // WAL generation 1 holds every point; no segment, no checkpoint
let compacted: string; // the same points in two segments (two shard groups), checkpoint 1
let expected: string[];

beforeAll(async () => {
  const live = path.join(root, 'live');
  const s = await openBucketStore(live, buckets, { now: () => T, compactAfterPoints: 1e12, compactAfterWalBytes: 1e12 });
  const lines: string[] = [];
  for (let i = 0; i < 50; i++) lines.push(`m,host=h${i % 3} v=${i}i ${(i % 2 === 0 ? T : T + WEEK) + BigInt(i)}`);
  const text = lines.join('\n') + '\n';
  const r = parse(text, { dialect: 'influxdb2', precision: 'ns', now: T, truncateTo: 'ns', crlf: 'strip', warnings: false });
  await s.write({ bucketId: B, body: Buffer.from(text), precision: 'ns', defaultTime: T.toString() }, r.points);
  crashed = path.join(root, 'crashed');
  cpSync(live, crashed, { recursive: true });
  await s.close();
  compacted = live;
  expected = (await open(copyOf(compacted))).rows;
  expect(expected).toHaveLength(50);
  expect(segments(compacted)).toHaveLength(2);
  expect(readFileSync(path.join(compacted, 'wal', 'checkpoint'), 'utf8')).toBe('1\n');
  expect(existsSync(path.join(compacted, 'wal', 'compaction'))).toBe(false); // removed once committed
});

/** The crash state "compaction of generation 1 wrote `present` of its two outputs, not its checkpoint". */
function midCompaction(present: number[]): { dir: string; outputs: string[] } {
  const dir = copyOf(crashed);
  const outputs = segments(compacted).map((f) => rel(compacted, f));
  for (const i of present) {
    mkdirSync(path.dirname(path.join(dir, outputs[i])), { recursive: true });
    cpSync(path.join(compacted, outputs[i]), path.join(dir, outputs[i]));
  }
  const walBytes = statSync(path.join(dir, 'wal', '000000000001.wal')).size;
  writeFileSync(path.join(dir, 'wal', 'compaction'), JSON.stringify({ v: 1, from: 1, to: 1, outputs, wal: [[1, walBytes]] }));
  return { dir, outputs };
}

describe('an unfinished compaction', () => {
  it('that wrote all its outputs is completed: checkpoint recorded, WAL dropped, every point once', async () => {
    const { dir, outputs } = midCompaction([0, 1]);
    const { rows, logs } = await open(dir);
    expect(rows).toEqual(expected);
    expect(logs).toContain('store: a compaction of WAL generations 1-1 wrote all its segments but not its checkpoint; completed it');
    expect(segments(dir).map((f) => rel(dir, f))).toEqual(outputs);
    expect(existsSync(path.join(dir, 'wal', 'compaction'))).toBe(false);
    expect(existsSync(path.join(dir, 'wal', '000000000001.wal'))).toBe(false);
  });

  it('that wrote only some outputs has them deleted (the WAL still holds their points) and replays the WAL', async () => {
    const { dir, outputs } = midCompaction([1]);
    const { rows, logs } = await open(dir);
    expect(rows).toEqual(expected);
    expect(logs).toContain(`store: removed ${outputs[1]} of an unfinished compaction (its points are replayed from the WAL)`);
    expect(existsSync(path.join(dir, 'quarantine'))).toBe(false);
    expect(existsSync(path.join(dir, 'wal', 'compaction'))).toBe(false);
  });

  it('whose WAL files are gone has its outputs quarantined, not deleted', async () => {
    const { dir, outputs } = midCompaction([1]);
    const bytes = readFileSync(path.join(dir, outputs[1]));
    rmSync(path.join(dir, 'wal', '000000000001.wal'));
    const { logs } = await open(dir);
    expect(logs).toContain(`store: moved ${outputs[1]} to quarantine/${outputs[1]}: written by an unfinished compaction whose WAL files are not all there any more`);
    expect(readFileSync(path.join(dir, 'quarantine', outputs[1]))).toEqual(bytes);
  });
});

describe('segments the checkpoint does not cover', () => {
  it('with no compaction plan to explain them are quarantined, not deleted; the WAL is replayed', async () => {
    const dir = copyOf(crashed);
    const outputs = segments(compacted).map((f) => rel(compacted, f));
    for (const o of outputs) {
      mkdirSync(path.dirname(path.join(dir, o)), { recursive: true });
      cpSync(path.join(compacted, o), path.join(dir, o));
    }
    writeFileSync(path.join(dir, 'wal', 'checkpoint'), '0\n');
    const { rows, logs } = await open(dir);
    expect(rows).toEqual(expected);
    for (const o of outputs) {
      expect(logs).toContain(`store: moved ${o} to quarantine/${o}: holds WAL generations up to 1, beyond the checkpoint 0, and no unfinished compaction explains it`);
      expect(existsSync(path.join(dir, 'quarantine', o))).toBe(true);
    }
  });

  it('a checkpoint corrupted into a bigger number does not make the WAL beyond the segments disappear', async () => {
    // Compacted state plus more points only in the WAL (a crash), then the checkpoint says 999.
    const dir = copyOf(compacted);
    const s = await openBucketStore(dir, buckets, { now: () => T, compactAfterPoints: 1e12, compactAfterWalBytes: 1e12 });
    const text = 'm,host=late v=7i ' + (T + 99n) + '\n';
    const r = parse(text, { dialect: 'influxdb2', precision: 'ns', now: T, truncateTo: 'ns', crlf: 'strip', warnings: false });
    await s.write({ bucketId: B, body: Buffer.from(text), precision: 'ns', defaultTime: T.toString() }, r.points);
    const crash = copyOf(dir);
    await s.close();
    writeFileSync(path.join(crash, 'wal', 'checkpoint'), '999\n');
    const { rows, logs } = await open(crash);
    expect(rows).toHaveLength(expected.length + 1);
    expect(rows).toEqual(expect.arrayContaining([...expected, `m,host=late ${T + 99n} v=7`]));
    expect(logs[0]).toBe('store: wal/checkpoint says generation 999 is in segments, but no segment goes beyond 1 and WAL generations 2 hold data; replaying them');
  });

  it('a fresh data directory, and one killed before its first compaction, start without a message', async () => {
    expect((await open(path.join(root, 'fresh'))).logs).toEqual([]);
    const { rows, logs } = await open(copyOf(crashed));
    expect(logs.filter((l) => !l.includes('compacted'))).toEqual([]);
    expect(rows).toEqual(expected);
  });
});

describe('a merge cut short before deleting its inputs', () => {
  it('has the inputs its output names deleted, and reads stay the same', async () => {
    const dir = path.join(root, 'merge');
    const s = await openBucketStore(dir, buckets, { now: () => T, compactAfterPoints: 1e12, compactAfterWalBytes: 1e12 });
    const saved = path.join(root, 'merge-inputs');
    mkdirSync(saved);
    for (let round = 0; round < 4; round++) {
      const text = Array.from({ length: 10 }, (_, i) => `m,host=h${i % 3} v=${round * 100 + i}i ${T + BigInt(round * 10 + (i % 4))}`).join('\n') + '\n';
      const r = parse(text, { dialect: 'influxdb2', precision: 'ns', now: T, truncateTo: 'ns', crlf: 'strip', warnings: false });
      await s.write({ bucketId: B, body: Buffer.from(text), precision: 'ns', defaultTime: T.toString() }, r.points);
      if (round === 3) for (const f of segments(dir)) cpSync(f, path.join(saved, path.basename(f)));
      await s.compact(); // the fourth level-0 segment makes a merge
    }
    await s.close();
    const merged = segments(dir);
    expect(merged.map((f) => path.basename(f))).toEqual(['000000000001-000000000004.seg']);
    const before = (await open(copyOf(dir))).rows;
    // The crash: the merged output is in place, three of its inputs are still there.
    for (const f of readdirSync(saved)) cpSync(path.join(saved, f), path.join(path.dirname(merged[0]), f));
    expect(segments(dir)).toHaveLength(4);
    const { rows, logs } = await open(dir);
    expect(rows).toEqual(before);
    for (const f of readdirSync(saved)) expect(logs).toContain(`store: removed ${rel(dir, path.join(path.dirname(merged[0]), f))}, already merged into 000000000001-000000000004.seg`);
    expect(segments(dir)).toEqual(merged);
  });
});
