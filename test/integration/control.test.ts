// The endpoint hosted in another process, controlled by messages (as the desktop app's
// utilityProcess does): start, status, stats, stop, and refusal of malformed messages. The
// endpoint it runs serves the InfluxDB API only (no UI, no app API), and it mints the tray's
// write-only token.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
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

  it('serves no UI and no app API: the desktop window talks to its main process instead', async () => {
    child = fork(path.join(repoRoot, 'dist/cli/endpoint-host.js'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lpstudio-control-'));
    const started = await call({ type: 'start', id: 1, options: { dataDir, port: 0, token: 'control-test-token-0123456789' } });
    const url = String(started.url);
    const origin = { Origin: url, 'Content-Type': 'application/json' };
    expect((await fetch(`${url}/app-api/session`)).status).toBe(404);
    expect((await fetch(`${url}/app-api/sign-in`, { method: 'POST', headers: origin, body: JSON.stringify({ token: 'control-test-token-0123456789' }) })).status).toBe(404);
    expect((await fetch(`${url}/app-api/info`, { method: 'POST', headers: origin, body: '{}' })).status).toBe(404);
    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await fetch(`${url}/ping`)).status).toBe(204);
    // Nor does it mint the browser mode's token for an app API it does not serve.
    const meta = JSON.parse(readFileSync(path.join(dataDir, 'meta.json'), 'utf8')) as { tokens: { description: string }[] };
    expect(meta.tokens.map((t) => t.description)).toEqual(["admin's Token"]);
    expect(await call({ type: 'stop', id: 2 })).toMatchObject({ id: 2, ok: true, state: 'stopped' });
    child.kill();
  });

  it('mints the tray token: write-only on bucket default, labelled, given back while it exists', async () => {
    child = fork(path.join(repoRoot, 'dist/cli/endpoint-host.js'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lpstudio-control-'));
    expect(await call({ type: 'trayToken', id: 1 })).toMatchObject({ id: 1, ok: false, code: 'unavailable' });
    const url = String((await call({ type: 'start', id: 2, options: { dataDir, port: 0, token: 'control-test-token-0123456789' } })).url);
    const writeWith = (token: string, bucket: string) =>
      fetch(`${url}/api/v2/write?org=lpstudio&bucket=${bucket}`, { method: 'POST', headers: { Authorization: `Token ${token}` }, body: 'tray v=1 1700000000000000000\n' });
    const create = await fetch(`${url}/api/v2/write?org=lpstudio&bucket=other`, { method: 'POST', headers: { Authorization: 'Token control-test-token-0123456789' }, body: 'x v=1' });
    expect(create.status).toBe(404); // no auto-create: make "other" through the control protocol
    expect(await call({ type: 'data', id: 3, method: 'createBucket', args: ['other', '0'] })).toMatchObject({ ok: true });

    const first = await call({ type: 'trayToken', id: 4 });
    expect(first).toMatchObject({ id: 4, ok: true, value: expect.any(String) });
    const token = String(first.value);
    expect((await writeWith(token, 'default')).status).toBe(204);
    expect((await writeWith(token, 'other')).status).toBe(403);
    const meta = () => JSON.parse(readFileSync(path.join(dataDir, 'meta.json'), 'utf8')) as { buckets: { id: string; name: string }[]; tokens: { description: string; read: unknown; write: unknown; hash: string }[] };
    const defaultId = meta().buckets.find((b) => b.name === 'default')!.id;
    const tray = meta().tokens.filter((t) => t.description === 'Tray: write-only token for bucket default');
    expect(tray).toEqual([expect.objectContaining({ read: [], write: [defaultId] })]);
    expect(JSON.stringify(meta())).not.toContain(token); // only its hash is stored

    // Reused: the token the app holds comes back, and nothing new is minted.
    expect(await call({ type: 'trayToken', id: 5, known: token })).toMatchObject({ ok: true, value: token });
    expect(meta().tokens.filter((t) => t.description === 'Tray: write-only token for bucket default')).toEqual(tray);
    // Deleted by the user (or unknown to this endpoint): a new one replaces it; the old one no longer writes.
    const list = (await call({ type: 'data', id: 6, method: 'tokens', args: [] })).value as { id: string; description: string; app: boolean }[];
    const listed = list.find((t) => t.description === 'Tray: write-only token for bucket default')!;
    expect(listed.app).toBe(false);
    expect(await call({ type: 'data', id: 7, method: 'deleteToken', args: [listed.id] })).toMatchObject({ ok: true });
    const again = String((await call({ type: 'trayToken', id: 8, known: token })).value);
    expect(again).not.toBe(token);
    expect((await writeWith(token, 'default')).status).toBe(401);
    expect((await writeWith(again, 'default')).status).toBe(204);
    expect(meta().tokens.filter((t) => t.description === 'Tray: write-only token for bucket default')).toHaveLength(1);
    // The description is the tray's: nobody else may take it.
    expect(await call({ type: 'data', id: 9, method: 'createToken', args: ['Tray: write-only token for bucket default', 'all'] })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await call({ type: 'stop', id: 10 })).toMatchObject({ ok: true });
    child.kill();
  });
});
