// The desktop's endpoint supervisor with a real endpoint process (a Node fork of
// dist/server/host.js, speaking the same messages as Electron's utilityProcess): it starts the
// endpoint, restarts it after the process is killed, and stops it.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EndpointSupervisor, type EndpointChild } from '../../electron/endpoint-supervisor.js';
import { repoRoot } from '../support/shared.js';

const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

function spawnHost(): EndpointChild {
  const c = fork(path.join(repoRoot, 'dist/server/host.js'), [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  children.push(c);
  return {
    postMessage: (m) => c.send(m as object),
    onMessage: (fn) => c.on('message', fn),
    onExit: (fn) => c.on('exit', (code) => fn(code)),
    kill: () => c.kill(),
  };
}

async function ping(url: string): Promise<number> {
  return (await fetch(`${url}/ping`)).status;
}

describe('endpoint supervisor', () => {
  it('starts the endpoint, restarts it when its process dies, and stops it', async () => {
    const states: string[] = [];
    const sup = new EndpointSupervisor({
      spawn: spawnHost,
      dataDir: mkdtempSync(path.join(tmpdir(), 'lpstudio-sup-')),
      port: 0,
      backoffMs: [100],
      onStatus: (s) => states.push(s.state),
    });
    const first = await sup.start();
    expect(first.state).toBe('running');
    expect(await ping(first.url!)).toBe(204);

    children.at(-1)!.kill('SIGKILL');
    await expect.poll(() => sup.restartCount, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => sup.status().state, { timeout: 10_000 }).toBe('running');
    expect(await ping(sup.status().url!)).toBe(204);
    expect(states).toEqual(['starting', 'running', 'error', 'starting', 'running']);

    const second = sup.status().url!;
    await sup.stop();
    expect(sup.status().state).toBe('stopped');
    await expect(ping(second)).rejects.toThrow();
  });

  it('starts one process however often it is asked, and a refused start is an error without a restart loop', async () => {
    const before = children.length;
    const sup = new EndpointSupervisor({ spawn: spawnHost, dataDir: mkdtempSync(path.join(tmpdir(), 'lpstudio-sup-')), port: 0, backoffMs: [50] });
    const [a, b] = await Promise.all([sup.start(), sup.start()]);
    expect(a.state).toBe('running');
    expect(b).toEqual(a);
    expect((await sup.start()).url).toBe(a.url);
    expect(children.length - before).toBe(1);
    await sup.stop();

    // The port is taken: the endpoint cannot start; its process goes and is not restarted.
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const taken = new EndpointSupervisor({ spawn: spawnHost, dataDir: mkdtempSync(path.join(tmpdir(), 'lpstudio-sup-')), port, backoffMs: [50] });
      const s = await taken.start();
      expect(s.state).toBe('error');
      expect(s.error).toMatch(/EADDRINUSE|in use/i);
      const spawned = children.length;
      await expect.poll(() => children.at(-1)!.exitCode !== null || children.at(-1)!.signalCode !== null, { timeout: 5000 }).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(children.length).toBe(spawned);
      expect(taken.restartCount).toBe(0);
      expect(taken.status().state).toBe('error');
      await taken.stop();
      expect(taken.status().state).toBe('stopped');
    } finally {
      blocker.close();
    }
  });
});
