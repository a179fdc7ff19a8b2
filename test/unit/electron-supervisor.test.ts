// The supervisor's restart policy with scripted children (the real endpoint process is in
// test/integration/electron-supervisor.test.ts): delays grow while the endpoint keeps dying,
// start over once it has run for stableMs, and nothing restarts after stop().
import { describe, expect, it } from 'vitest';
import { EndpointSupervisor, type EndpointChild } from '../../electron/endpoint-supervisor.js';

interface Fake extends EndpointChild {
  spawnedAt: number;
  die(code: number): void;
}

function fakes() {
  const all: Fake[] = [];
  const spawn = (): EndpointChild => {
    let onMsg: (m: unknown) => void = () => {};
    let onExit: (c: number | null) => void = () => {};
    const f: Fake = {
      spawnedAt: Date.now(),
      postMessage: (m) => {
        const msg = m as { type: string; id: number };
        queueMicrotask(() => onMsg({ type: 'reply', id: msg.id, ok: true, state: msg.type === 'start' ? 'running' : 'stopped', url: `http://127.0.0.1:${8000 + all.length}` }));
      },
      onMessage: (fn) => void (onMsg = fn),
      onExit: (fn) => void (onExit = fn),
      kill: () => onExit(null),
      die: (code) => onExit(code),
    };
    all.push(f);
    return f;
  };
  return { all, spawn };
}

describe('endpoint supervisor restart policy', () => {
  it('backs off while the endpoint keeps dying and starts over after it ran long enough', async () => {
    const { all, spawn } = fakes();
    const sup = new EndpointSupervisor({ spawn, dataDir: '/x', port: 0, backoffMs: [20, 150], stableMs: 300 });
    await sup.start();
    const gaps: number[] = [];
    for (let i = 0; i < 3; i++) {
      const last = all.at(-1)!;
      const died = Date.now();
      last.die(1);
      expect(sup.status()).toMatchObject({ state: 'error', error: expect.stringMatching(/exit code 1/) });
      await expect.poll(() => all.length, { timeout: 2000, interval: 5 }).toBe(i + 2);
      gaps.push(all.at(-1)!.spawnedAt - died);
      await expect.poll(() => sup.status().state, { timeout: 2000, interval: 5 }).toBe('running');
    }
    expect(gaps[0]).toBeLessThan(140);
    expect(gaps[1]).toBeGreaterThanOrEqual(140);
    expect(gaps[2]).toBeGreaterThanOrEqual(140);

    // Running for longer than stableMs: the next crash restarts after the first delay again.
    await new Promise((r) => setTimeout(r, 350));
    const died = Date.now();
    all.at(-1)!.die(1);
    await expect.poll(() => all.length, { timeout: 2000, interval: 5 }).toBe(5);
    expect(all.at(-1)!.spawnedAt - died).toBeLessThan(140);
    expect(sup.restartCount).toBe(4);
    await expect.poll(() => sup.status().state, { timeout: 2000, interval: 5 }).toBe('running');

    // After stop(), a death is not restarted, nor is a pending restart carried out.
    all.at(-1)!.die(1);
    await sup.stop();
    await new Promise((r) => setTimeout(r, 200));
    expect(all.length).toBe(5);
    expect(sup.status().state).toBe('stopped');
  });
});
