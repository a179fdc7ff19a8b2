// The supervisor's restart policy with scripted children (the real endpoint process is in
// test/integration/electron-supervisor.test.ts): delays grow while the endpoint keeps dying,
// start over once it has run for stableMs, and nothing restarts after stop(). Its data calls and
// request log: replies become AppErrors, a silent endpoint times out, the log keeps the
// inspector's requests only, at most 500, numbered across restarts.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../app/contract.js';
import { EndpointSupervisor, type EndpointChild } from '../../electron/endpoint-supervisor.js';

interface Fake extends EndpointChild {
  spawnedAt: number;
  die(code: number): void;
  /** A message from the endpoint process that is not a reply (a request event). */
  emit(m: unknown): void;
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
      emit: (m) => onMsg(m),
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

  it('turns data replies into values and AppErrors, times out a silent endpoint, and says when it is not running', async () => {
    const sent: Record<string, unknown>[] = [];
    let answer: ((m: { type: string; id: number }) => unknown) | null = null;
    let onMsg: (m: unknown) => void = () => {};
    const child: EndpointChild = {
      postMessage: (m) => {
        const msg = m as { type: string; id: number };
        sent.push(msg);
        const r = msg.type === 'data' ? answer?.(msg) : { type: 'reply', id: msg.id, ok: true, state: 'running', url: 'http://127.0.0.1:1' };
        if (r !== undefined && r !== null) queueMicrotask(() => onMsg(r));
      },
      onMessage: (fn) => void (onMsg = fn),
      onExit: () => {},
      kill: () => {},
    };
    const sup = new EndpointSupervisor({ spawn: () => child, dataDir: '/x', port: 0, dataTimeoutMs: 50 });
    const stopped = await sup.data.buckets().catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(AppError);
    expect(stopped).toMatchObject({ code: 'unavailable', message: 'the endpoint is not running: start it from the tray menu (Start endpoint), then try again' });
    expect(sent).toEqual([]);

    await sup.start();
    answer = (m) => ({ type: 'reply', id: m.id, ok: true, state: 'running', value: [{ id: 'b', name: 'default', retentionSeconds: 0 }] });
    expect(await sup.data.buckets()).toEqual([{ id: 'b', name: 'default', retentionSeconds: 0 }]);
    answer = (m) => ({ type: 'reply', id: m.id, ok: false, state: 'running', code: 'invalid', error: 'retention 5m is below the minimum of 1h' });
    const refused = await sup.data.createBucket('x', '5m').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'invalid', message: 'retention 5m is below the minimum of 1h' });
    expect(sent.at(-1)).toEqual({ type: 'data', id: expect.any(Number), method: 'createBucket', args: ['x', '5m'] });
    answer = () => null;
    await expect(sup.data.settings()).rejects.toMatchObject({ code: 'unavailable', message: 'the endpoint did not answer within 0.05 s: it may be busy; try again' });
  });

  it('keeps the inspector\'s requests only, at most 500, with IDs that keep growing across restarts', async () => {
    const { all, spawn } = fakes();
    const sup = new EndpointSupervisor({ spawn, dataDir: '/x', port: 0, backoffMs: [5] });
    await sup.start();
    const emit = (f: (typeof all)[number], id: number, path: string, inspected: boolean) =>
      f.emit({ type: 'request', inspected, entry: { id, time: '2024-01-01T00:00:00.000Z', client: '127.0.0.1', method: 'POST', path, status: 204, durationMs: 1 } });
    emit(all[0], 1, '/write', true);
    emit(all[0], 2, '/app-api/info', false);
    all[0].emit({ type: 'request', inspected: true, entry: { id: 3, path: '/write' } }); // malformed: dropped
    emit(all[0], 4, '/api/v2/write', true);
    expect(sup.requests().map((e) => [e.id, e.path])).toEqual([
      [1, '/write'],
      [2, '/api/v2/write'],
    ]);

    all[0].die(1);
    await expect.poll(() => sup.status().state, { timeout: 2000, interval: 5 }).toBe('running');
    emit(all[1], 1, '/query', true);
    expect(sup.requests().map((e) => [e.id, e.path])).toEqual([
      [1, '/write'],
      [2, '/api/v2/write'],
      [3, '/query'],
    ]);
    for (let i = 0; i < 600; i++) emit(all[1], i + 2, '/write', true);
    expect(sup.requests()).toHaveLength(500);
    expect(sup.requests()[0].id).toBe(104);
    expect(sup.requests().at(-1)!.id).toBe(603);
    await sup.stop();
  });
});
