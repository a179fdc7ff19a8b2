// The data browser's reads must not stall the endpoint: a real `lpstudio serve` holding 300,000
// points (1,500 series sharing the same 200 times, the soak bench's shape: every page has to
// merge all series) answers deep pages through the app API while /ping is asked every few ms.
// The bound is on responsiveness, not speed: however long a read takes, no /ping may wait behind
// it for more than PING_STALL_MS (a read done in one go on the event loop held /ping for
// hundreds of ms here). The pages themselves are checked point by point.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, startServer, type RunningServer } from '../support/serve.js';

const SERIES = 1500;
const TIMES = 200;
const T0 = 1_700_000_000_000_000_000n;
/** Generous: a read computed in slices lets a /ping through within a few ms. */
const PING_STALL_MS = 200;

let app: RunningServer;
let cookie = '';

async function call(method: string, input: unknown): Promise<any> {
  const res = await fetch(`${app.url}/app-api/${method}`, { method: 'POST', headers: { Origin: app.url, 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify(input) });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`${method}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

const name = (s: number) => `s${String(s).padStart(4, '0')}`;

beforeAll(async () => {
  app = await startServer({ args: ['--max-body', String(64 * 1024 * 1024)] });
  const res = await fetch(`${app.url}/app-api/sign-in`, { method: 'POST', headers: { Origin: app.url, 'Content-Type': 'application/json' }, body: JSON.stringify({ token: app.token }) });
  cookie = res.headers.get('set-cookie')!.split(';')[0];
  // 100 series per request, each with all its times.
  for (let s0 = 0; s0 < SERIES; s0 += 100) {
    const lines: string[] = [];
    for (let s = s0; s < s0 + 100; s++) for (let t = 0; t < TIMES; t++) lines.push(`big,sensor=${name(s)} v=${s * 1000 + t}i ${T0 + BigInt(t)}`);
    const w = await fetch(`${app.url}/write?db=default`, { method: 'POST', headers: { Authorization: `Token ${app.token}` }, body: lines.join('\n') });
    expect(w.status).toBe(204);
  }
}, 60_000);

afterAll(cleanup);

/** Asks /ping one after another until stopped; returns the longest wait. */
function pinging(): { stop: () => Promise<{ count: number; worstMs: number }> } {
  let over = false;
  const run = (async () => {
    let count = 0;
    let worstMs = 0;
    while (!over) {
      const a = performance.now();
      const r = await fetch(`${app.url}/ping`);
      await r.arrayBuffer();
      expect(r.status).toBe(204);
      worstMs = Math.max(worstMs, performance.now() - a);
      count++;
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    return { count, worstMs };
  })();
  return {
    stop: async () => {
      over = true;
      return run;
    },
  };
}

describe('data browser reads of a big measurement', () => {
  it('leave /ping answered within a bounded wait, and return the exact deep pages', async () => {
    const bucketId = (await call('listBuckets', {})).find((b: { name: string }) => b.name === 'default').id;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const pings = pinging();
    await new Promise((resolve) => setTimeout(resolve, 30)); // pings under way before the reads start
    // Three deep pages at once, as a reader paging and a second window would ask them.
    const offsets = [250_000, 251_000, 298_500];
    const pages = await Promise.all(offsets.map((offset) => call('readPoints', { bucketId, measurement: 'big', limit: 1000, offset })));
    const { count, worstMs } = await pings.stop();

    // Newest first; equal times by series key, descending.
    offsets.forEach((offset, k) => {
      const page = pages[k];
      const want = Math.min(1000, SERIES * TIMES - offset);
      expect(page.points).toHaveLength(want);
      expect(page.more).toBe(offset + want < SERIES * TIMES);
      for (const w of [0, want - 1]) {
        const pos = offset + w;
        const t = TIMES - 1 - Math.floor(pos / SERIES);
        const s = SERIES - 1 - (pos % SERIES);
        expect(page.points[w]).toEqual({ measurement: 'big', series: `big,sensor=${name(s)}`, tags: [{ key: 'sensor', value: name(s) }], fields: [{ key: 'v', type: 'int', value: String(s * 1000 + t) }], time: String(T0 + BigInt(t)) });
      }
    });
    console.log(`pings: ${count}, longest wait ${worstMs.toFixed(1)} ms`);
    expect(count).toBeGreaterThan(3);
    expect(worstMs, `the longest /ping wait during the reads (${count} pings)`).toBeLessThan(PING_STALL_MS);
  }, 30_000);
});
