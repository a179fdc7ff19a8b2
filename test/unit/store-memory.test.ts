// What the store keeps in memory for the life of the process is its own: a series first seen in
// a request must not keep that request's text alive (a series key parsed out of the body is a
// slice of it; kept as a map key, it held every body that ever brought a new series, which is
// what made the soak's RSS climb with each new series). Measured on the real heap after a
// compaction has dropped the memtables, with real files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from '../../lineprotocol/parse.js';
import { openBucketStore } from '../../server/store/index.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const B = 'd000000000000001';
const T = 1_700_000_000_000_000_000n;
const root = mkdtempSync(path.join(tmpdir(), 'lps-mem-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function heap(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

describe('store memory', () => {
  it('keeps no request text alive once its points are compacted: 150 bodies of 200 KB, each with a new series', async () => {
    const s = await openBucketStore(root, [{ id: B, name: 'b', orgId: '0000000000000001', retentionSeconds: 0, createdAt: '2024-01-01T00:00:00Z' }], {
      now: () => T,
      compactAfterPoints: 1e12,
      compactAfterWalBytes: 1e12,
    });
    const padding = Array.from({ length: 5000 }, (_, i) => `pad,host=h v=${i}i ${T + BigInt(i)}\n`).join(''); // ~200 KB
    const before = heap();
    const bodies = 150;
    for (let b = 0; b < bodies; b++) {
      // The new series' key (>= 13 characters) and a long measurement and field name, each a slice of the body.
      const text = `${padding}a_long_measurement_name,batch=b${b} a_long_field_name=${b}i ${T}\n`;
      const r = parse(text, { dialect: 'influxdb2', precision: 'ns', now: T, truncateTo: 'ns', crlf: 'strip', warnings: false });
      expect(r.errors).toEqual([]);
      await s.write({ bucketId: B, body: Buffer.from(text), precision: 'ns', defaultTime: T.toString() }, r.points);
    }
    await s.compact();
    const grown = heap() - before;
    expect(s.series(B, 'a_long_measurement_name')).toHaveLength(bodies);
    expect(s.read({ bucketId: B, measurement: 'a_long_measurement_name', series: 'a_long_measurement_name,batch=b7' }).map((p) => p.fields[0].value)).toEqual(['7']); // integers come back as decimal text
    // 150 bodies kept alive would be ~30 MB; what the store needs for 151 series is a few kB.
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    await s.close();
  });

  it('keeps no memtable column alive once compacted: 500,000 points of one series, 2 fields', async () => {
    const dir = path.join(root, 'columns');
    const s = await openBucketStore(dir, [{ id: B, name: 'b', orgId: '0000000000000001', retentionSeconds: 0, createdAt: '2024-01-01T00:00:00Z' }], {
      now: () => T,
      compactAfterPoints: 1e12,
      compactAfterWalBytes: 1e12,
    });
    const mem = () => {
      heap();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const before = mem();
    for (let k = 0; k < 50; k++) {
      const text = Array.from({ length: 10_000 }, (_, i) => `one,host=h a=${i}i,b=${i}.5 ${T + BigInt(k * 10_000 + i)}\n`).join('');
      const r = parse(text, { dialect: 'influxdb2', precision: 'ns', now: T, truncateTo: 'ns', crlf: 'strip', warnings: false });
      await s.write({ bucketId: B, body: Buffer.from(text), precision: 'ns', defaultTime: T.toString() }, r.points);
    }
    expect(s.stats().points).toBe(1_000_000);
    await s.compact();
    const grown = mem() - before;
    expect(s.read({ bucketId: B, measurement: 'one', descending: true, limit: 1 })[0].time).toBe((T + 499_999n).toString());
    // The two columns of 500,000 rows (and their row numbers) are ~12 MB; the segment's index is bytes.
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    await s.close();
  });
});
