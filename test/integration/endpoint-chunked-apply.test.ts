// Large bodies are applied in chunks while they are parsed. The outcome must be exactly that of
// applying the batch at once, live and after a crash (WAL replay applies the body whole): a type
// conflict far into the body drops just that point, with InfluxDB's 422.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, readBucket, startServer } from '../support/serve.js';

afterAll(cleanup);

describe('chunked apply of a large body', () => {
  it('a type conflict at line 700 of 1000: 422, the other 999 stored, the same after a crash and replay', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => (i === 699 ? `m,s=${i} v=1.5 ${i + 1}` : `m,s=${i} v=${i}i ${i + 1}`));
    const srv = await startServer();
    const res = await fetch(`${srv.url}/write?db=default`, { method: 'POST', headers: { Authorization: `Token ${srv.token}` }, body: lines.join('\n') });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      code: 'unprocessable entity',
      message: 'failure writing points to database: partial write: field type conflict: input field "v" on measurement "m" is type float, already exists as type integer dropped=1',
    });
    await srv.kill(); // no clean shutdown: the next start replays the write-ahead log
    const again = await startServer({ dataDir: srv.dataDir, token: srv.token });
    await again.stop();
    const stored = await readBucket(srv.dataDir, 'default');
    expect(stored).toHaveLength(999);
    expect(stored.some((p) => p.tags.s === '699')).toBe(false);
    expect(stored.find((p) => p.tags.s === '700')?.fields.v).toEqual({ type: 'int', value: '700' });
  });
});
