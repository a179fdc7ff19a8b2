// Faults at the connection level against a real `lpstudio serve`: clients that hang up mid-body
// must never use up the in-flight slots, a body that trickles in is cut with a 408, the UI and
// the app API answer only to the endpoint's own Host names (DNS rebinding), calls that change
// anything need the page's own Origin, and staged uploads stop at their total quota with a 507.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, startServer, type RunningServer } from '../support/serve.js';

let app: RunningServer;

beforeAll(async () => {
  app = await startServer({ args: ['--body-timeout', '1'] });
});

afterAll(cleanup);

interface RawResponse {
  status: number;
  head: string;
  body: string;
}

/** Sends `request` as is on a new connection; resolves with the first response (bounded). */
function raw(request: string, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const sock = connect(app.port, app.host);
    let data = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no complete response within ${timeoutMs} ms; got: ${JSON.stringify(data)}`));
    }, timeoutMs);
    const tryParse = () => {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = data.slice(0, end);
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      const body = data.slice(end + 4);
      if (Buffer.byteLength(body) < length) return;
      clearTimeout(timer);
      sock.destroy();
      resolve({ status: Number(head.split(' ')[1]), head, body });
    };
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      data += d;
      tryParse();
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.write(request);
  });
}

function opened(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(app.port, app.host, () => resolve(s));
    s.on('error', reject);
  });
}

const hostHeader = () => `${app.host}:${app.port}`;
const ping = () => raw(`GET /ping HTTP/1.1\r\nHost: ${hostHeader()}\r\nConnection: close\r\n\r\n`);
const write = (line: string) =>
  raw(`POST /write?db=default HTTP/1.1\r\nHost: ${hostHeader()}\r\nAuthorization: Token ${app.token}\r\nContent-Length: ${Buffer.byteLength(line)}\r\nConnection: close\r\n\r\n${line}`);

function signInRequest(host: string, origin: string | undefined): string {
  const body = JSON.stringify({ token: app.token });
  const originLine = origin === undefined ? '' : `Origin: ${origin}\r\n`;
  return `POST /app-api/sign-in HTTP/1.1\r\nHost: ${host}\r\n${originLine}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

describe('clients that hang up', () => {
  it('1,000 writes whose clients hang up mid-body leave no slot taken: /ping and a write answer at once', async () => {
    const BATCH = 100;
    for (let batch = 0; batch < 10; batch++) {
      const socks = await Promise.all(Array.from({ length: BATCH }, () => opened()));
      for (const s of socks) {
        s.on('error', () => {});
        s.write(`POST /write?db=default HTTP/1.1\r\nHost: ${hostHeader()}\r\nAuthorization: Token ${app.token}\r\nContent-Length: 1000\r\n\r\nhung,up=yes v=1 `);
      }
      // A request on a connection opened after these is answered after their headers were read:
      // every one of them holds a slot now.
      expect((await ping()).status).toBe(204);
      for (const s of socks) s.destroy();
    }
    expect((await ping()).status).toBe(204);
    expect((await write('after,hangups=1000 v=1 1700000000000000000')).status).toBe(204);
  });

  it('a body that trickles in slower than the minimum rate is cut with a 408', async () => {
    const sock = await opened();
    let data = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => (data += d));
    sock.on('error', () => {});
    sock.write(`POST /write?db=default HTTP/1.1\r\nHost: ${hostHeader()}\r\nAuthorization: Token ${app.token}\r\nContent-Length: 100\r\n\r\n`);
    // One byte at a time, each well within the 1 s idle timeout, so only the rate can stop it.
    const trickle = setInterval(() => sock.write('x'), 100);
    try {
      await expect.poll(() => data, { timeout: 10_000, interval: 100 }).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(trickle);
      sock.destroy();
    }
    expect(data).toMatch(/"message":"request body too slow: \d+ bytes in \d+ s \(under 512 bytes\/s\)"/);
    expect((await ping()).status).toBe(204);
  });
});

describe('the UI and the app API answer only to their own Host names', () => {
  it('a foreign Host gets no UI and no app API, with a sentence; /ping still works', async () => {
    const evil = `evil.example:${app.port}`;
    const index = await raw(`GET / HTTP/1.1\r\nHost: ${evil}\r\nConnection: close\r\n\r\n`);
    expect(index.status).toBe(421);
    expect(JSON.parse(index.body)).toEqual({
      code: 'unauthorized',
      message: `this endpoint's UI and app API answer only at their own address (the request named host "${evil}"): open ${app.url}`,
    });
    const session = await raw(`GET /app-api/session HTTP/1.1\r\nHost: ${evil}\r\nConnection: close\r\n\r\n`);
    expect(session.status).toBe(421);
    // DNS rebinding: the page's Origin matches its (foreign) Host, and it has the token: refused anyway.
    const rebound = await raw(signInRequest(evil, `http://${evil}`));
    expect(rebound.status).toBe(421);
    expect(rebound.head).not.toMatch(/set-cookie/i);
    const pong = await raw(`GET /ping HTTP/1.1\r\nHost: ${evil}\r\nConnection: close\r\n\r\n`);
    expect(pong.status).toBe(204);
  });

  it('localhost and [::1] with the port are the endpoint own names', async () => {
    for (const host of [`localhost:${app.port}`, `[::1]:${app.port}`, `127.0.0.1:${app.port}`]) {
      const r = await raw(`GET /app-api/session HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect([host, r.status]).toEqual([host, 200]);
    }
    expect((await raw(`GET /app-api/session HTTP/1.1\r\nHost: localhost:1\r\nConnection: close\r\n\r\n`)).status).toBe(421);
  });

  it('a call that changes anything needs the page own Origin: a foreign one or none is refused', async () => {
    const foreign = await raw(signInRequest(hostHeader(), 'http://evil.example'));
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body)).toEqual({ code: 'unauthorized', message: 'cross-origin requests to the app API are refused (Origin http://evil.example)' });
    const none = await raw(signInRequest(hostHeader(), undefined));
    expect(none.status).toBe(403);
    expect(JSON.parse(none.body).message).toBe('the app API takes calls from its own page only: send the Origin header of the page (browsers do)');
    // Another allowed name is still another origin.
    expect((await raw(signInRequest(hostHeader(), `http://localhost:${app.port}`))).status).toBe(403);
    const own = await raw(signInRequest(hostHeader(), app.url));
    expect(own.status).toBe(200);
    expect(own.head).toMatch(/\r\nset-cookie: lpstudio_session=/i);
  });
});

describe('staged uploads', () => {
  it('stop at the total quota with a 507, and take files again once one is discarded', async () => {
    const app = await startServer({ args: ['--stage-quota', '1000'] });
    const signIn = await fetch(`${app.url}/app-api/sign-in`, { method: 'POST', headers: { Origin: app.url, 'Content-Type': 'application/json' }, body: JSON.stringify({ token: app.token }) });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    const headers = { Origin: app.url, Cookie: cookie };
    const send = async (body: BodyInit, extra: RequestInit = {}) => {
      const r = await fetch(`${app.url}/app-api/files?name=a.lp`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/octet-stream', 'X-Lpstudio-File': '1' }, body, ...extra });
      return { status: r.status, body: await r.json() };
    };
    const line = 'q v=1 1700000000\n';
    const first = await send(line.repeat(35)); // 595 bytes of the 1000
    expect(first.status).toBe(200);
    const QUOTA = 'the files waiting to be uploaded would take more than 1000 bytes on the endpoint\'s disk: upload or close a dropped file first, or use "lpstudio write FILE"';
    // Its size said up front: refused before it is read.
    expect(await send(line.repeat(35))).toEqual({ status: 507, body: { code: 'unavailable', message: QUOTA } });
    // Its size not said (chunked): refused once the bytes pass the quota, the partial copy removed.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 35; i++) c.enqueue(new TextEncoder().encode(line));
        c.close();
      },
    });
    expect(await send(stream, { duplex: 'half' } as RequestInit)).toEqual({ status: 507, body: { code: 'unavailable', message: QUOTA } });
    const discard = await fetch(`${app.url}/app-api/discardFile`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ fileId: first.body.fileId }) });
    expect(discard.status).toBe(200);
    expect((await send(line.repeat(35))).status).toBe(200);
  });
});
