// The endpoint's connection bounds over real sockets on loopback, in this process with short
// timeouts: the in-flight cap frees a slot however an exchange ends, request headers and idle
// keep-alive connections are bounded in time, and the header block in size.
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InFlightSlots } from '../../server/http/app.js';
import { startEndpoint, type Endpoint } from '../../server/endpoint.js';

const TOKEN = 'connections-test-token-0123456789';
let ep: Endpoint;

beforeAll(async () => {
  ep = await startEndpoint({
    dataDir: mkdtempSync(path.join(tmpdir(), 'lpstudio-conn-')),
    port: 0,
    token: TOKEN,
    maxConcurrent: 2,
    headersTimeoutMs: 500,
    keepAliveTimeoutMs: 300,
    log: () => {},
  });
});

afterAll(() => ep.close());

function open(): Promise<Socket & { received: () => string; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let data = '';
    const s = connect(ep.port, '127.0.0.1', () => resolve(Object.assign(s, { received: () => data, ended: closed })));
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    s.setEncoding('utf8');
    s.on('data', (d: string) => (data += d));
    s.on('error', reject);
  });
}

const held = () => `POST /write?db=default HTTP/1.1\r\nHost: x\r\nAuthorization: Token ${TOKEN}\r\nContent-Length: 100\r\n\r\nheld v=1`;

describe('the in-flight cap', () => {
  it('refuses with 429 while every slot is held, and frees a slot when its client hangs up', async () => {
    const a = await open();
    const b = await open();
    a.write(held());
    b.write(held());
    // Both are read (their headers) before a later connection's request: the third is refused.
    await expect.poll(async () => (await fetch(`${ep.url}/ping`)).status, { timeout: 5000 }).toBe(429);
    a.destroy();
    await expect.poll(async () => (await fetch(`${ep.url}/ping`)).status, { timeout: 5000 }).toBe(204);
    // The refused requests held no slot: with b's gone too, two at once both get through.
    b.destroy();
    await expect.poll(async () => (await fetch(`${ep.url}/ping`)).status, { timeout: 5000 }).toBe(204);
    const c = await open();
    c.write(held());
    await expect.poll(async () => (await fetch(`${ep.url}/ping`)).status, { timeout: 5000 }).toBe(204);
    c.destroy();
  });

  it('releasing twice frees one slot', () => {
    const slots = new InFlightSlots(1);
    const release = slots.acquire()!;
    expect(slots.acquire()).toBeNull();
    release();
    release();
    expect(slots.inFlight).toBe(0);
    const next = slots.acquire()!;
    expect(slots.acquire()).toBeNull();
    next();
  });
});

describe('connection timeouts and sizes', () => {
  it('a client that never finishes its headers gets a 408 and the connection is closed', async () => {
    const s = await open();
    s.write('GET /ping HTTP/1.1\r\nHost: x\r\n');
    await s.ended;
    expect(s.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('an idle keep-alive connection is closed', async () => {
    const s = await open();
    s.write('GET /ping HTTP/1.1\r\nHost: x\r\n\r\n');
    await s.ended;
    expect(s.received()).toMatch(/^HTTP\/1\.1 204 /);
  });

  it('a header block over 16 KiB gets a 431', async () => {
    const s = await open();
    s.write(`GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`);
    await s.ended;
    expect(s.received()).toMatch(/^HTTP\/1\.1 431 /);
  });
});
