// Segment indexes and start-up: segments are written with a binary series table (index version 2,
// footer LPSIDX02) that a start-up loads without JSON per series, and a data directory reopened
// gives exactly the reads it gave before closing. Data directories written before (version 1,
// all-JSON indexes) still open and read the same, and mix with new segments.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from '../../lineprotocol/parse.js';
import type { BucketInfo, BucketStore } from '../../server/store/api.js';
import { openBucketStore } from '../../server/store/index.js';

const T = 1_700_000_000_000_000_000n;
const WEEK = 7n * 86400n * 1_000_000_000n;
const root = mkdtempSync(path.join(tmpdir(), 'lps-index-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => path.join(root, `d${n++}`);

function bucket(id: string): BucketInfo {
  return { id, name: id, orgId: '0000000000000001', retentionSeconds: 0, createdAt: '2024-01-01T00:00:00Z' };
}

async function open(dir: string, b: BucketInfo, now = T): Promise<BucketStore> {
  return openBucketStore(dir, [b], { now: () => now, compactAfterPoints: 1e12, compactAfterWalBytes: 1e12 });
}

async function write(s: BucketStore, id: string, text: string) {
  const r = parse(text, { dialect: 'influxdb2', precision: 'ns', now: T, truncateTo: 'ns', crlf: 'strip', warnings: false });
  expect(r.errors).toEqual([]);
  return s.write({ bucketId: id, body: Buffer.from(text), precision: 'ns', defaultTime: T.toString() }, r.points);
}

/** Everything a client can see: measurements, tags, fields, series, all points both ways, pages and ranges. */
function everything(s: BucketStore, id: string): string[] {
  const out: string[] = [];
  const show = (ps: ReturnType<BucketStore['read']>) => ps.map((p) => `${p.series} ${p.time} ${p.fields.map((f) => `${f.key}=${f.value}(${f.type})`).join(',')}`);
  for (const m of s.measurements(id)) {
    out.push(`${m}: tags ${s.tagKeys(id, m).join('|')} fields ${s.fieldKeys(id, m).map((f) => `${f.key}:${f.type}`).join('|')}`);
    for (const k of s.tagKeys(id, m)) out.push(`  ${k} = ${s.tagValues(id, m, k).join('|')}`);
    out.push(`  series ${s.series(id, m).length}: ${s.series(id, m).slice(0, 5).join(' ; ')}`);
    out.push(...show(s.read({ bucketId: id, measurement: m })));
    out.push('desc', ...show(s.read({ bucketId: id, measurement: m, descending: true, limit: 7, offset: 3 })));
    out.push('range', ...show(s.read({ bucketId: id, measurement: m, start: (T + 5n).toString(), stop: (T + WEEK + 3n).toString(), limit: 50 })));
  }
  return out;
}

function segments(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.seg')) out.push(path.join(d, e.name));
    }
  };
  walk(path.join(dir, 'buckets'));
  return out.sort();
}

const footer = (file: string) => {
  const b = readFileSync(file);
  return b.toString('latin1', b.length - 24, b.length - 16);
};

describe('segment index version 2', () => {
  it('a real data directory reopened gives the same reads: 3,000 series over 3 shard groups, merged segments, escapes and UTF-8', async () => {
    const id = 'f000000000000001';
    const dir = fresh();
    const s = await open(dir, bucket(id));
    for (let round = 0; round < 6; round++) {
      let text = '';
      for (let i = round * 500; i < (round + 1) * 500; i++) {
        const g = BigInt(i % 3) * WEEK;
        text += `m${i % 4},host=h${i},dc=d${i % 7},note=a\\ b\\,c\\=${i % 2 ? 'ü' : 'x'} v=${i}i,f=${i / 8},s="t${i}" ${T + g + BigInt(i)}\n`;
        text += `m${i % 4},host=h${i},dc=d${i % 7},note=a\\ b\\,c\\=${i % 2 ? 'ü' : 'x'} v=${-i}i ${T + g + BigInt(i) + 1000n}\n`;
        // An older series written again: later segments win.
        if (round > 0) text += `m0,host=h${i - 500},dc=d0,note=a\\ b\\,c\\=x v=${i}i ${T + BigInt(i - 500)}\n`;
      }
      await write(s, id, text);
      await s.compact(); // six compactions: a merge of four, and two more
    }
    const before = everything(s, id);
    expect(before.length).toBeGreaterThan(3000);
    await s.close();
    const segs = segments(dir);
    expect(segs.length).toBeGreaterThan(0);
    for (const f of segs) expect(footer(f)).toBe('LPSIDX02');
    const r = await open(dir, bucket(id));
    expect(everything(r, id)).toEqual(before);
    expect(r.stats().points).toBeGreaterThan(0);
    await r.close();
    const again = await open(dir, bucket(id));
    expect(everything(again, id)).toEqual(before);
    await again.close();
  });

  it('keeps the list of blocks of a long series in the binary table: reopened, reads and time ranges are the same', async () => {
    const id = 'f000000000000002';
    const dir = fresh();
    const s = await open(dir, bucket(id));
    // Series far longer than a block (BLOCK_ROWS = 512), beside short ones, over two compactions and a merge.
    for (let round = 0; round < 4; round++) {
      let text = '';
      for (let i = 0; i < 1500; i++) text += `long,host=a v=${round * 1500 + i}i ${T + BigInt(round * 1500 + i) * 1000n}\n`;
      for (let i = 0; i < 700; i++) text += `long,host=b f=${i / 4} ${T + BigInt(round * 700 + i) * 3000n}\n`;
      text += `short,host=c v=${round}i ${T + BigInt(round)}\n`;
      await write(s, id, text);
      await s.compact();
    }
    const before = everything(s, id);
    const middle = () => s.read({ bucketId: id, measurement: 'long', start: (T + 2_000_000n).toString(), stop: (T + 2_010_000n).toString() });
    const mid = middle().map((p) => `${p.series} ${p.time}`);
    expect(mid.length).toBeGreaterThan(10);
    await s.close();
    const r = await open(dir, bucket(id));
    expect(everything(r, id)).toEqual(before);
    const midAgain = r.read({ bucketId: id, measurement: 'long', start: (T + 2_000_000n).toString(), stop: (T + 2_010_000n).toString() }).map((p) => `${p.series} ${p.time}`);
    expect(midAgain).toEqual(mid);
    expect(r.read({ bucketId: id, measurement: 'long', descending: true, limit: 1 })[0].fields).toEqual([{ key: 'f', type: 'float', value: 174.75 }]); // b's last (b runs later than a)
    await r.close();
  });

  it('opens a data directory written with version 1 indexes, reads it the same, and mixes it with new segments', async () => {
    const id = 'e000000000000001';
    const dir = fresh();
    cpSync(path.join(import.meta.dirname, 'fixtures', 'store-v1'), dir, { recursive: true });
    for (const f of segments(dir)) expect(footer(f)).toBe('LPSIDX01');
    const s = await open(dir, bucket(id), T + 10n * WEEK);
    // As the previous store version read it (recorded when the fixture was written).
    const recorded = [
      'cpu,host=a,region=eu 1700000000000000000 n=3,ok=true,usage=1.5',
      'cpu,host=b,region=eu 1700000000000000001 n=4,s=x y,usage=2.5',
      'cpu,host=c,region=us 1700000000000000003 usage=7',
      'cpu,host=a,region=eu 1700604800000000000 usage=3.5',
    ];
    const cpu = () => s.read({ bucketId: id, measurement: 'cpu' }).map((p) => `${p.series} ${p.time} ${p.fields.map((f) => `${f.key}=${f.value}`).join(',')}`);
    expect(cpu()).toEqual(recorded);
    expect(s.measurements(id)).toEqual(['cpu', 'mem', 'my m']);
    expect(s.tagValues(id, 'mem', 'host')).toEqual(['ü']);
    expect(s.series(id, 'my m')).toEqual(['my\\ m,tag\\,k=v\\=1']);
    expect(s.fieldKeys(id, 'cpu')).toEqual([
      { key: 'n', type: 'int' },
      { key: 'ok', type: 'bool' },
      { key: 's', type: 'string' },
      { key: 'usage', type: 'float' },
    ]);
    await write(s, id, `cpu,host=a,region=eu usage=9.5 ${T + 1n}\ncpu,host=d,region=us usage=1 ${T + 4n}`);
    await s.compact();
    // Ties in time go by series key.
    const mixed = [recorded[0], 'cpu,host=a,region=eu 1700000000000000001 usage=9.5', recorded[1], recorded[2], 'cpu,host=d,region=us 1700000000000000004 usage=1', recorded[3]];
    expect(cpu()).toEqual(mixed);
    const before = everything(s, id);
    await s.close();
    const footers = segments(dir).map(footer);
    expect(footers).toContain('LPSIDX01');
    expect(footers).toContain('LPSIDX02');
    const r = await open(dir, bucket(id), T + 10n * WEEK);
    expect(everything(r, id)).toEqual(before);
    await r.close();
  });
});
