// Mapping a write's error answer back to the lines sent, for the texts InfluxDB 1.x and 2.x
// really send (../shared/spec/influxdb-write-compat.md §1.1, §2.8), and the request URLs.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorLinesOf, redact, sendWrite, writeUrl, type WriteTarget } from '../../app/send.js';

const v1 = (error: string) => JSON.stringify({ error });
const v2 = (message: string) => JSON.stringify({ code: 'invalid', message });

describe('errorLinesOf', () => {
  const body = 'cpu v=1 1\nbad line\ncpu v=2 2\ncpu v= 3\n';

  it('2.x: every line of the joined message', () => {
    expect(errorLinesOf(v2("unable to parse 'bad line': invalid field format\nunable to parse 'cpu v= 3': missing field value"), body)).toEqual([2, 4]);
  });

  it('1.x: the partial write text, with its dropped= and database suffix', () => {
    expect(errorLinesOf(v1("partial write: unable to parse 'bad line': invalid field format\nunable to parse 'cpu v= 3': missing field value dropped=0 for database: db"), body)).toEqual([2, 4]);
  });

  it('the JSON line field, with or without a message', () => {
    expect(errorLinesOf(JSON.stringify({ code: 'invalid', message: "unable to parse 'b v=': missing field value", line: 2 }), 'a v=1 1\nb v=\nc v=3 3')).toEqual([2]);
    expect(errorLinesOf(JSON.stringify({ code: 'invalid', message: 'x', line: 7 }), 'a')).toEqual([7]);
  });

  it('a line quoted from its first non-blank byte, with its \\r', () => {
    expect(errorLinesOf(v2("unable to parse 'cpu v=': missing field value"), 'ok v=1\n  \tcpu v=\n')).toEqual([2]);
    expect(errorLinesOf(v2("unable to parse 'cpu v=\r': missing field value"), 'ok v=1\r\ncpu v=\r\n')).toEqual([2]);
  });

  it("a line that itself holds ': ", () => {
    expect(errorLinesOf(v2(`unable to parse 'm s="a': b" x': invalid field format`), `m v=1\nm s="a': b" x\n`)).toEqual([2]);
  });

  it('a chunk swallowed by an unbalanced quote counts as its first line', () => {
    expect(errorLinesOf(v2(`unable to parse 'cpu v="abc\ncpu v=2\ncpu v=3 10': unbalanced quotes`), `ok v=1\ncpu v="abc\ncpu v=2\ncpu v=3 10\n`)).toEqual([2]);
  });

  it('the same bad line twice is named twice; text that is not an error names nothing', () => {
    expect(errorLinesOf(v2("unable to parse 'x': invalid field format"), 'x\nm v=1\nx')).toEqual([1, 3]);
    expect(errorLinesOf('', body)).toEqual([]);
    expect(errorLinesOf(v2('bucket "x" not found'), body)).toEqual([]);
    expect(errorLinesOf("<html>unable to parse 'bad line': invalid field format</html>", body)).toEqual([2]);
  });
});

describe('writeUrl', () => {
  const t = (o: Partial<WriteTarget>): WriteTarget => ({ kind: 'influxdb1', baseUrl: 'http://h:8086/', db: 'd', precision: 'ns', auth: 'none', ...o });

  it('/write: 1.x precision names, ns left out', () => {
    expect(writeUrl(t({}), false)).toBe('http://h:8086/write?db=d');
    expect(['us', 'ms', 's', 'm', 'h'].map((p) => new URL(writeUrl(t({ precision: p as WriteTarget['precision'] }), false)).searchParams.get('precision'))).toEqual(['u', 'ms', 's', 'm', 'h']);
  });

  it('/api/v2/write: ns, us, ms, s only, with a clear error for m and h', () => {
    const v2t = t({ kind: 'influxdb2', org: 'o', bucket: 'b', precision: 'us' });
    expect(writeUrl(v2t, false)).toBe('http://h:8086/api/v2/write?org=o&bucket=b&precision=us');
    expect(() => writeUrl({ ...v2t, precision: 'h' }, false)).toThrow('/api/v2/write takes precision ns, us, ms or s, not h');
  });

  it('query auth: the password masked when shown', () => {
    const q = t({ auth: 'query', username: 'u1', secret: 's3cret' });
    expect(writeUrl(q, false)).toBe('http://h:8086/write?db=d&u=u1&p=s3cret');
    expect(writeUrl(q, true)).toBe('http://h:8086/write?db=d&u=u1&p=***');
  });
});

describe('sendWrite over real HTTP on loopback', () => {
  let server: Server;
  let base = '';
  const seen: { url: string; auth?: string; type?: string; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => (body += d));
      req.on('end', () => {
        seen.push({ url: req.url!, auth: req.headers.authorization, type: req.headers['content-type'], body });
        if (req.url!.startsWith('/endless')) {
          // An answer without end: the client must stop reading, not the server stop writing.
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          const chunk = Buffer.alloc(1024 * 1024, 'x');
          const more = () => {
            while (!res.destroyed && res.write(chunk));
            if (!res.destroyed) res.once('drain', more);
          };
          more();
          return;
        }
        res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ code: 'invalid', message: "unable to parse 'b v=': missing field value" }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const target = (o: Partial<WriteTarget>): WriteTarget => ({ kind: 'influxdb1', baseUrl: base, db: 'd', precision: 'ns', auth: 'none', ...o });

  it('sends each auth method in its form, and names the bad line of the answer', async () => {
    seen.length = 0;
    const tok = await sendWrite(target({ auth: 'token', secret: 'T0K' }), 'a v=1\nb v=');
    await sendWrite(target({ auth: 'basic', username: 'me', secret: 'pw:x' }), 'a v=1');
    const q = await sendWrite(target({ auth: 'query', username: 'me', secret: 's&p' }), 'a v=1');
    await sendWrite(target({ kind: 'influxdb2', org: 'o', bucket: 'b', auth: 'token', secret: 'T2' }), 'a v=1');
    expect(seen.map((s) => [s.url, s.auth])).toEqual([
      ['/write?db=d', 'Token T0K'],
      ['/write?db=d', `Basic ${Buffer.from('me:pw:x').toString('base64')}`],
      ['/write?db=d&u=me&p=s%26p', undefined],
      ['/api/v2/write?org=o&bucket=b', 'Token T2'],
    ]);
    expect(seen[0]).toMatchObject({ type: 'text/plain; charset=utf-8', body: 'a v=1\nb v=' });
    expect(tok).toMatchObject({ status: 400, statusText: 'Bad Request', method: 'POST', url: `${base}/write?db=d`, errorLines: [2] });
    expect(tok.headers).toContainEqual(['content-type', 'application/json; charset=utf-8']);
    expect(q.url).toBe(`${base}/write?db=d&u=me&p=***`);
    expect(JSON.stringify(q)).not.toContain('s%26p');
  });

  it('reads at most 1 MiB of an answer into the result, even one without end', async () => {
    const r = await sendWrite({ ...target({}), baseUrl: `${base}/endless` }, 'a v=1');
    expect(r.status).toBe(500);
    expect(r.body.startsWith('x'.repeat(1024 * 1024) + '\n… (')).toBe(true);
    expect(r.body.length).toBeLessThan(1024 * 1024 + 100);
  });

  it('a failure is status 0 with the reason, never the secret', async () => {
    const r = await sendWrite({ ...target({ auth: 'query', username: 'me', secret: 'hunter2-secret' }), baseUrl: base.replace('http://', 'http://a:b@') }, 'a v=1');
    expect(r.status).toBe(0);
    expect(r.error).toMatch(/^the request to http:\/\/a:b@127\.0\.0\.1:\d+ failed: /);
    expect(JSON.stringify(r)).not.toContain('hunter2-secret');
  });
});

describe('redact', () => {
  it('removes the secret in clear and URL-encoded', () => {
    expect(redact('x p=a%2Fb+c y a/b c z', 'a/b c')).toBe('x p=*** y *** z');
  });
});
