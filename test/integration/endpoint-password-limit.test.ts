// Failed v1 password checks over real HTTP with a real `lpstudio serve`: the checks run off the
// event loop (a /ping sent while many are running is answered before they end), and a client
// address that keeps failing is answered 429 with Retry-After, InfluxDB-style, while other
// addresses (the whole 127/8 reaches the endpoint: each test connects from its own), token
// clients and good passwords before the block are unaffected.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, prepareDataDir, startServer, type RunningServer } from '../support/serve.js';

let server: RunningServer;

beforeAll(async () => {
  const r = await prepareDataDir([
    ['bucket', 'create', '--name', 'telegraf'],
    ['v1', 'auth', 'create', '--username', 'writer', '--password', 'writer-password', '--write-bucket', 'telegraf'],
  ]);
  server = await startServer({ dataDir: r.dataDir, token: r.token, args: ['--no-ui'] });
});

afterAll(cleanup);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on its own connection from `from` (a loopback address) to the server. */
function send(from: string, method: string, path: string, headers: Record<string, string> = {}, body = ''): { flushed: Promise<void>; answer: Promise<Answer> } {
  let flushed!: () => void;
  const isFlushed = new Promise<void>((r) => (flushed = r));
  const answer = new Promise<Answer>((resolve, reject) => {
    const req = request({ host: server.host, port: server.port, localAddress: from, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.on('finish', () => flushed());
    req.end(body);
  });
  return { flushed: isFlushed, answer };
}
const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
const write = (from: string, password: string, line = 'm v=1') => send(from, 'POST', '/write?db=telegraf', basic('writer', password), line).answer;

describe('failed v1 password checks', () => {
  it('after 5 failures within a minute, the client gets 429 with Retry-After; good passwords before, tokens and other clients are unaffected', async () => {
    const me = '127.0.0.11';
    expect((await write(me, 'writer-password')).status).toBe(204);
    for (let i = 0; i < 5; i++) {
      const wrong = await write(me, `guess-${i}`);
      expect([wrong.status, JSON.parse(wrong.body)]).toEqual([401, { code: 'unauthorized', message: 'Unauthorized' }]);
      // Successful checks neither count nor clear the failures.
      if (i === 2) expect((await write(me, 'writer-password')).status).toBe(204);
    }
    for (const password of ['guess-5', 'writer-password']) {
      const blocked = await write(me, password);
      expect(blocked.status).toBe(429);
      expect(blocked.headers['x-platform-error-code']).toBe('too many requests');
      const retryAfter = Number(blocked.headers['retry-after']);
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
      expect(JSON.parse(blocked.body)).toEqual({ code: 'too many requests', message: `too many failed password attempts from this address: retry in ${retryAfter} s` });
    }
    // u/p in the query is a password check too; so is the v1 wrapper's method check.
    expect((await send(me, 'POST', '/write?db=telegraf&u=writer&p=writer-password', {}, 'm v=1').answer).status).toBe(429);
    expect((await send(me, 'GET', '/write?db=telegraf', basic('writer', 'writer-password')).answer).status).toBe(429);
    // The operator token from the same address still writes; another address still signs in.
    expect((await send(me, 'POST', '/write?db=telegraf', { Authorization: `Token ${server.token}` }, 'm v=2').answer).status).toBe(204);
    expect((await write('127.0.0.12', 'writer-password')).status).toBe(204);
    expect((await write('127.0.0.12', 'wrong')).status).toBe(401);
  });

  it('runs the checks off the event loop: /ping answers while many are running', async () => {
    const guesses = Array.from({ length: 16 }, (_, i) => send('127.0.0.13', 'POST', '/write?db=telegraf', basic('writer', `concurrent-${i}`), 'm v=1'));
    await Promise.all(guesses.map((g) => g.flushed));
    const order: string[] = [];
    const answers = guesses.map((g) => g.answer.then((a) => (order.push('guess'), a)));
    const ping = send('127.0.0.14', 'GET', '/ping').answer.then((a) => (order.push('ping'), a));
    expect((await ping).status).toBe(204);
    const statuses = (await Promise.all(answers)).map((a) => a.status);
    // Checked one after the other on the event loop, the ping would wait for all of them.
    expect(order.indexOf('ping')).toBeLessThan(order.length - 1);
    // All 16 were checked (they started before any failed), each a 401.
    expect(statuses).toEqual(Array(16).fill(401));
    // And now that address is blocked.
    expect((await write('127.0.0.13', 'writer-password')).status).toBe(429);
  });
});
