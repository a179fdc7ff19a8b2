// The endpoint hosted in another process, controlled by messages (as the desktop app's
// utilityProcess does): start, status, stats, stop, and refusal of malformed messages.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/shared.js';

let child: ChildProcess | null = null;

afterAll(() => {
  child?.kill('SIGKILL');
});

function call(msg: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to ${JSON.stringify(msg)}`)), 10_000);
    const onMessage = (m: Record<string, unknown>) => {
      if (m.type !== 'reply') return;
      clearTimeout(timer);
      child!.off('message', onMessage);
      resolve(m);
    };
    child!.on('message', onMessage);
    child!.send(msg as object);
  });
}

describe('endpoint control interface', () => {
  it('starts, reports, serves, and stops on request; refuses malformed messages', async () => {
    child = fork(path.join(repoRoot, 'dist/cli/endpoint-host.js'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lpstudio-control-'));

    const bad = await call({ type: 'start', id: 1, options: { dataDir: '', port: 'x' } });
    expect(bad).toMatchObject({ id: 1, ok: false, state: 'stopped' });
    expect(String(bad.error)).toMatch(/^malformed control message/);
    expect(await call({ type: 'explode', id: 2 })).toMatchObject({ id: 2, ok: false });

    const started = await call({ type: 'start', id: 3, options: { dataDir, port: 0, token: 'control-test-token-0123456789' } });
    expect(started).toMatchObject({ id: 3, ok: true, state: 'running' });
    const url = String(started.url);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const requests: unknown[] = [];
    child.on('message', (m: Record<string, unknown>) => {
      if (m.type === 'request') requests.push(m.entry);
    });
    const ping = await fetch(`${url}/ping`);
    expect(ping.status).toBe(204);
    const write = await fetch(`${url}/write?db=default`, {
      method: 'POST',
      headers: { Authorization: 'Token control-test-token-0123456789' },
      body: 'cpu v=1 1700000000000000000\n',
    });
    expect(write.status).toBe(204);
    await new Promise((r) => setTimeout(r, 100));
    expect(requests).toHaveLength(2);
    expect(requests[1]).toMatchObject({ method: 'POST', path: '/write', status: 204, db: 'default', points: 1, auth: expect.stringMatching(/^token/) });

    expect(await call({ type: 'status', id: 4 })).toMatchObject({ id: 4, ok: true, state: 'running', url });
    const stats = await call({ type: 'stats', id: 5 });
    expect(stats).toMatchObject({ id: 5, ok: true, stats: expect.objectContaining({ requests: 2 }) });
    expect(await call({ type: 'start', id: 6, options: { dataDir } })).toMatchObject({ id: 6, ok: false });

    // A failed second start must not have taken the running endpoint down.
    expect(await call({ type: 'stop', id: 7 })).toMatchObject({ id: 7, ok: true, state: 'stopped' });
    await expect(fetch(`${url}/ping`)).rejects.toThrow();
  });
});
