// The write path parses a body once: the engine's record-parse counter (recordParses, counted in
// the engine itself) moves by exactly the body's line count per request, over real HTTP to a real
// endpoint, plain and gzip. And the one pass keeps InfluxDB's all-or-nothing rule: a bad line at
// the very end of a large body sent in many chunks stores nothing, and the 400 names that line.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordParses } from '../../lineprotocol/parse.js';
import { startEndpoint, type Endpoint } from '../../server/endpoint.js';
import { readBucket } from '../support/serve.js';

const TOKEN = 'one-parse-operator-token-0123456789';
let endpoint: Endpoint;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-one-parse-'));
  endpoint = await startEndpoint({ dataDir: dir, port: 0, token: TOKEN, log: () => {} });
});

afterAll(async () => {
  await endpoint?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** POSTs the body to /write?db=default in `pieces` writes (chunked transfer), optionally gzipped. */
function post(body: Buffer, { pieces = 1, gzip = false } = {}): Promise<{ status: number; text: string }> {
  const payload = gzip ? gzipSync(body) : body;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Token ${TOKEN}` };
    if (gzip) headers['Content-Encoding'] = 'gzip';
    const req = http.request(`${endpoint.url}/write?db=default`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    const step = Math.ceil(payload.length / pieces);
    for (let at = 0; at < payload.length; at += step) req.write(payload.subarray(at, at + step));
    req.end();
  });
}

const lines = (measurement: string, n: number) => Array.from({ length: n }, (_, i) => `${measurement},host=h${i % 50},dc=d${i % 3} v=${i}i,f=${i}.5,s="x${i}" ${i + 1}`);

describe('one parse per write', () => {
  it('each line of a body is parsed exactly once: plain, in many chunks, and gzip', async () => {
    for (const [n, opts] of [
      [3000, {}],
      [5000, { pieces: 25 }],
      [2000, { gzip: true, pieces: 4 }],
    ] as const) {
      const body = Buffer.from(lines(`once${n}`, n).join('\n') + '\n');
      const before = recordParses.count;
      const r = await post(body, opts);
      expect(r).toEqual({ status: 204, text: '' });
      expect(recordParses.count - before).toBe(n);
    }
  });

  it('a bad last line of a 20,000-line body in 40 chunks: 400 naming that line, nothing of the body stored, one parse', async () => {
    const good = lines('aon', 19_999);
    const bad = 'aon,host=h1 v= 20000';
    const body = Buffer.from([...good, bad].join('\n') + '\n');
    const before = recordParses.count;
    const r = await post(body, { pieces: 40 });
    expect(recordParses.count - before).toBe(20_000);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toEqual({ code: 'invalid', message: `unable to parse '${bad}': missing field value`, line: 20_000 });
    // The endpoint still writes: a later good body is stored whole.
    expect((await post(Buffer.from('after,host=h1 v=1i 1\nafter,host=h2 v=2i 2'))).status).toBe(204);
    await endpoint.close();
    const stored = await readBucket(dir, 'default');
    const count = (m: string) => stored.filter((p) => p.measurement === m).length;
    expect(count('aon')).toBe(0);
    expect(count('after')).toBe(2);
    expect([count('once3000'), count('once5000'), count('once2000')]).toEqual([3000, 5000, 2000]);
    expect(stored.find((p) => p.measurement === 'once5000' && p.time === '4321')).toEqual({
      measurement: 'once5000',
      tags: { dc: 'd0', host: 'h20' },
      fields: { f: { type: 'float', value: 4320.5 }, s: { type: 'string', value: 'x4320' }, v: { type: 'int', value: '4320' } },
      time: '4321',
    });
  });
});
