// The read-only state reaches the desktop: a real endpoint process (a Node fork of
// dist/cli/endpoint-host.js, as the desktop's utilityProcess) whose WAL fsync fails (the test-only
// LPSTUDIO_FAULTS file, see server/store/faults.ts) tells its supervisor over the control channel;
// the supervisor's status, and the tray built from it, say read-only and why; once the fault
// clears, they say running again, without a restart of the process.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EndpointStatus } from '../../app/contract.js';
import { EndpointSupervisor } from '../../electron/endpoint-supervisor.js';
import { trayIcon, trayMenu, trayTooltip } from '../../electron/tray-menu.js';
import { startEndpoint } from '../../server/endpoint.js';
import { repoRoot } from '../support/shared.js';

const TOKEN = 'faults-status-token-0123456789abcdef';
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  children.forEach((c) => c.kill('SIGKILL'));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function until(what: string, f: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!f()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the read-only state over the control channel', () => {
  it('reaches the supervisor and the tray while the WAL fails, and clears by itself', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-faults-status-'));
    dirs.push(dir);
    const dataDir = path.join(dir, 'data');
    const faults = path.join(dir, 'faults');
    // Onboard the data dir with a known token (the supervisor starts it without one).
    await (await startEndpoint({ dataDir, port: 0, token: TOKEN, log: () => {} })).close();

    const seen: EndpointStatus[] = [];
    const sup = new EndpointSupervisor({
      dataDir,
      port: 0,
      onStatus: (s) => seen.push(s),
      spawn: () => {
        const c = fork(path.join(repoRoot, 'dist/cli/endpoint-host.js'), [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env: { ...process.env, LPSTUDIO_FAULTS: faults } });
        children.push(c);
        return { postMessage: (m) => c.send(m as object), onMessage: (fn) => c.on('message', fn), onExit: (fn) => c.on('exit', (code) => fn(code)), kill: () => c.kill() };
      },
    });
    const started = await sup.start();
    expect(started.state).toBe('running');
    const url = started.url!;
    const write = (b: string) => fetch(`${url}/write?db=default`, { method: 'POST', headers: { Authorization: `Token ${TOKEN}` }, body: b }).then((r) => r.status);
    expect(await write('m v=1 1\n')).toBe(204);
    expect(sup.status().writable).not.toBe(false);

    writeFileSync(faults, 'wal-fsync EIO\n');
    expect(await write('m v=2 2\n')).toBe(503);
    await until('the supervisor to hear of the read-only state', () => sup.status().writable === false);
    const ro = sup.status();
    expect(ro).toMatchObject({ state: 'running', url, writable: false });
    expect(ro.readOnlyReason).toContain('input/output error (syncing the write-ahead log)');
    const tray = { endpoint: ro, hasToken: true };
    expect(trayIcon(tray)).toBe('error');
    expect(trayMenu(tray)[0]).toEqual({ kind: 'label', label: `Endpoint read-only (writes refused): ${ro.readOnlyReason}` });
    expect(trayTooltip(tray)).toContain('read-only');
    // The data browser's reads still go through.
    expect(await sup.data.buckets()).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'default' })]));

    rmSync(faults);
    await until('the endpoint to take writes again', () => sup.status().writable === true);
    expect(sup.status()).toMatchObject({ state: 'running', url, writable: true });
    expect(sup.status().readOnlyReason).toBeUndefined();
    expect(trayIcon({ endpoint: sup.status(), hasToken: true })).toBe('running');
    expect(await write('m v=3 3\n')).toBe(204);
    expect(seen.filter((s) => s.writable === false)).toHaveLength(1);
    await sup.stop();
  }, 60_000);
});
