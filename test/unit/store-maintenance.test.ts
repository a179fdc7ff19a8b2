// The store's one maintenance queue (server/store/maintenance.ts): a job asked for twice while it
// waits runs once, jobs run one at a time (most urgent first), a failing job is reported and the
// queue goes on, close() lets what is queued finish and then refuses new jobs. Then the same
// through a real store on real files: a failed compaction does not wedge it, and close() right
// after compact() and writes leaves everything in segments.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BucketStore } from '../../server/store/api.js';
import { MaintenanceQueue } from '../../server/store/maintenance.js';
import { B, T, storeFixtures, writeLines as write } from '../support/store.js';

/** A job that runs until released, recording when it starts and ends. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let runs = 0;
  return {
    run: async () => {
      runs++;
      log.push(`start ${name}`);
      await released;
      log.push(`end ${name}`);
      return name;
    },
    release,
    get runs() {
      return runs;
    },
  };
}

const turn = () => new Promise<void>((r) => setImmediate(r));

describe('MaintenanceQueue', () => {
  it('runs a job asked for again while it waits only once, and both callers get its result', async () => {
    const log: string[] = [];
    const q = new MaintenanceQueue();
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const pa = q.enqueue('a', a.run);
    const pb1 = q.enqueue('b', b.run);
    const pb2 = q.enqueue('b', b.run); // b waits behind a: joined
    expect(pb2).toBe(pb1);
    expect(q.pending).toEqual(['a', 'b']);
    a.release();
    b.release();
    expect(await pa).toBe('a');
    expect(await pb1).toBe('b');
    expect(b.runs).toBe(1);
  });

  it('queues a job again once it runs, unless asked to join the running one', async () => {
    const log: string[] = [];
    const q = new MaintenanceQueue();
    const a = gate(log, 'a');
    const first = q.enqueue('a', a.run);
    await turn();
    expect(log).toEqual(['start a']);
    expect(q.enqueue('a', a.run, { joinRunning: true })).toBe(first);
    const second = q.enqueue('a', a.run); // the data may have changed since the first started
    expect(second).not.toBe(first);
    a.release();
    await Promise.all([first, second]);
    expect(a.runs).toBe(2);
  });

  it('runs one job at a time, the most urgent waiting one first', async () => {
    const log: string[] = [];
    const q = new MaintenanceQueue();
    const jobs = ['m1', 'm2', 'c', 'r'].map((n) => gate(log, n));
    const [m1, m2, c, r] = jobs;
    const done = [q.enqueue('m1', m1.run)];
    await turn(); // m1 runs
    done.push(q.enqueue('m2', m2.run), q.enqueue('c', c.run, { priority: 2 }), q.enqueue('r', r.run, { priority: 1 }));
    for (const j of jobs) j.release();
    await Promise.all(done);
    // m1 ran when the others were queued; then by priority, then first come first served.
    expect(log).toEqual(['start m1', 'end m1', 'start c', 'end c', 'start r', 'end r', 'start m2', 'end m2']);
  });

  it('never overlaps two jobs, whatever they await', async () => {
    const q = new MaintenanceQueue();
    let running = 0;
    let most = 0;
    const job = async () => {
      running++;
      most = Math.max(most, running);
      for (let i = 0; i < 3; i++) await turn();
      running--;
    };
    await Promise.all(Array.from({ length: 20 }, (_, i) => q.enqueue(`j${i}`, job)));
    expect(most).toBe(1);
  });

  it('reports a failing job to its caller and to onError, and runs the next one', async () => {
    const errors: string[] = [];
    const q = new MaintenanceQueue((key, e) => errors.push(`${key}: ${(e as Error).message}`));
    const bad = q.enqueue('bad', async () => {
      throw new Error('disk on fire');
    });
    const thrown = q.enqueue('thrown', () => {
      throw new Error('synchronously');
    });
    const good = q.enqueue('good', async () => 42);
    await expect(bad).rejects.toThrow('disk on fire');
    await expect(thrown).rejects.toThrow('synchronously');
    expect(await good).toBe(42);
    expect(errors).toEqual(['bad: disk on fire', 'thrown: synchronously']);
    expect(q.busy).toBe(false);
  });

  it('close() waits for queued jobs (and jobs they queue), then refuses new ones', async () => {
    const log: string[] = [];
    const q = new MaintenanceQueue();
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    void q.enqueue('a', async () => {
      const r = await a.run();
      void q.enqueue('b', b.run); // queued by a running job while closing: still drained
      return r;
    });
    let closed = false;
    const closing = q.close().then(() => (closed = true));
    expect(q.closing).toBe(true);
    await turn();
    expect(closed).toBe(false);
    a.release();
    await turn();
    await turn();
    expect(closed).toBe(false); // b still runs
    b.release();
    await closing;
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
    await expect(q.enqueue('late', async () => 1)).rejects.toThrow('the store is closed');
  });
});

// ---- through a real store ----

const store = storeFixtures('lps-maint-', { compactAfterPoints: 1e12, compactAfterWalBytes: 1e12 });

/** The store over dir, its log lines into `logs`. */
const open = (dir: string, logs: string[] = []) => store.open(dir, { log: (m) => logs.push(m) });

function segmentFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.seg')) out.push(path.join(d, e.name));
    }
  };
  walk(path.join(dir, 'buckets'));
  return out;
}

describe('the store maintenance queue', () => {
  it('a compaction that fails does not wedge maintenance: the next compaction stores everything', async () => {
    const dir = store.tempDir();
    const logs: string[] = [];
    const s = await open(dir, logs);
    await write(s, `m,h=a v=1i ${T}\nm,h=b v=2i ${T + 1n}`);
    // A file where the shard group's directory goes makes the compaction fail.
    const group = path.join(dir, 'buckets', B, `sg${(T / 1_000_000_000n / 604800n) * 604800n}`);
    writeFileSync(group, 'in the way');
    await expect(s.compact()).rejects.toThrow();
    expect(logs.some((l) => l.startsWith('store: compaction failed:'))).toBe(true);
    rmSync(group);
    await write(s, `m,h=a v=3i ${T + 2n}`);
    await s.compact();
    expect(segmentFiles(dir)).toHaveLength(1);
    const want = ['m,h=a 1700000000000000000 1', 'm,h=a 1700000000000000002 3', 'm,h=b 1700000000000000001 2'];
    const got = (st: BucketStore) =>
      st
        .read({ bucketId: B, measurement: 'm' })
        .map((p) => `${p.series} ${p.time} ${p.fields[0].value}`)
        .sort();
    expect(got(s)).toEqual(want);
    await s.close();
    expect(got(await open(dir))).toEqual(want);
  });

  it('close() right after compact() and more writes drains the queue: every point is in segments, no WAL left to replay', async () => {
    const dir = store.tempDir();
    const s = await open(dir);
    for (let i = 0; i < 10; i++) await write(s, `m,h=h${i} v=${i}i ${T + BigInt(i)}`);
    const compacting = s.compact();
    const writes = Array.from({ length: 10 }, (_, i) => write(s, `m,h=h${i} v=${i + 10}i ${T + 100n + BigInt(i)}`));
    await Promise.all(writes);
    await s.close();
    await compacting;
    const walFiles = readdirSync(path.join(dir, 'wal')).filter((f) => f.endsWith('.wal'));
    const logs: string[] = [];
    const r = await open(dir, logs);
    expect(r.stats().points).toBe(20);
    // Nothing was replayed: the last compaction ran after the queue drained.
    expect(r.stats().walBytes).toBe(0);
    expect(walFiles.length).toBeLessThanOrEqual(1);
    expect(r.read({ bucketId: B, measurement: 'm' })).toHaveLength(20);
  });
});
