// The streamed aggregates (server/query/stream-aggregate.ts) answer exactly as the row path:
// each GROUP BY time() query runs twice on `lpstudio serve`, once as is (the fast path: no
// field condition) and once with a field condition that every point meets (which sends it
// down the row path), and the two answers must be the same: exactly, except that a float
// summed over several series of one group may differ in its last bits (the fast path reads
// series one by one, the row path in time order across them), so floats compare to 1e-12
// relative. The data has
// several series per group with equal times (first/last ties), integers and floats, negative
// values, gaps (fill), points outside the range, and a series the tag filter excludes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, startServer, type RunningServer } from '../support/serve.js';

let srv: RunningServer;
const T0 = 1_700_000_000n * 1_000_000_000n;

beforeAll(async () => {
  srv = await startServer();
  const lines: string[] = [];
  let x = 7;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
  for (let i = 0; i < 400; i++) {
    for (const [host, rack] of [
      ['a', 'r1'],
      ['b', 'r1'],
      ['c', 'r2'],
      ['d', 'r3'],
    ]) {
      // Gaps: host c skips a stretch, so windows are empty for it.
      if (host === 'c' && i > 100 && i < 180) continue;
      const t = T0 + BigInt(i) * 7_000_000_000n + (host === 'b' && i % 3 === 0 ? 0n : BigInt(next() % 3) * 1_000_000_000n);
      const f = (next() % 20001) / 100 - 100;
      const n = (next() % 2001) - 1000;
      lines.push(`m,host=${host},rack=${rack} f=${f},n=${n}i ${t}`);
    }
  }
  const r = await fetch(`${srv.url}/api/v2/write?org=lpstudio&bucket=default&precision=ns`, { method: 'POST', body: lines.join('\n'), headers: { Authorization: `Token ${srv.token}` } });
  expect(r.status).toBe(204);
});

afterAll(cleanup);

async function query(q: string): Promise<string> {
  const r = await fetch(`${srv.url}/query?${new URLSearchParams({ db: 'default', q })}`, { headers: { Authorization: `Token ${srv.token}` } });
  expect(r.status).toBe(200);
  return r.text();
}

/** Equal JSON, floats to 1e-12 relative. */
function close(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => close(x, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

const RANGE = `time >= ${T0 + 30_000_000_000n} AND time < ${T0 + 2_500_000_000_000n}`;
const EVERY = 'f > -1000 AND n > -100000';
const CASES = [
  `SELECT mean(f), count(n), sum(n), sum(f) FROM m WHERE ${RANGE} GROUP BY time(1m), rack`,
  `SELECT min(f), max(n), spread(f), spread(n), first(f), last(f), first(n), last(n) FROM m WHERE ${RANGE} GROUP BY time(50s), rack fill(none)`,
  `SELECT last(f), first(f) FROM m WHERE ${RANGE} GROUP BY time(7s) fill(previous)`,
  `SELECT mean(n), count(f) FROM m WHERE ${RANGE} GROUP BY time(2m, 30s), host fill(linear)`,
  `SELECT count(f), mean(f) FROM m WHERE ${RANGE} GROUP BY time(90s), * fill(-1) ORDER BY time DESC LIMIT 5 SLIMIT 3`,
  `SELECT sum(n) * 2 + mean(f) AS combo FROM m WHERE ${RANGE} AND rack != 'r3' GROUP BY time(3m), host fill(0)`,
  `SELECT max(f) - min(f), count(n) FROM m WHERE ${RANGE} AND host =~ /^[ab]$/ GROUP BY time(1m) fill(null)`,
];

describe('streamed GROUP BY time() aggregates answer as the row path', () => {
  for (const q of CASES) {
    it(q, async () => {
      const fast = await query(q);
      const rows = await query(q.replace(RANGE, `${RANGE} AND ${EVERY}`));
      expect(JSON.parse(fast).results[0].series?.length ?? 0).toBeGreaterThan(0);
      if (!close(JSON.parse(fast), JSON.parse(rows))) expect(fast).toBe(rows);
    });
  }
});
