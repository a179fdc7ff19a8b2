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
});
