// Nothing acknowledged is ever lost: `lpstudio serve` is SIGKILLed during a concurrent write
// load, ten times over; after each restart every batch that got a 204 is there, whole, and
// nothing else changed (a batch that got no answer is there whole or not at all). The server,
// the load and the read-back are bench/crash-load.js's, shared with `npm run bench -- --only crash`.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit, load, readBatches, startServe, stopped } from '../../bench/crash-load.js';

let current: ChildProcess | null = null;

afterAll(() => current?.kill('SIGKILL'));

describe('crash safety of lpstudio serve', () => {
  it('keeps every acknowledged write through ten SIGKILLs under concurrent load', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lpstudio-crash-'));
    const acked = new Set<number>();
    const attempted = new Set<number>();
    let firstBatch = 0;
    for (let round = 0; round < 10; round++) {
      const { proc, url } = await startServe(dataDir);
      current = proc;
      let killed = false;
      const loading = load(url, { firstBatch, acked, attempted, stop: () => killed });
      await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 450)));
      proc.kill('SIGKILL');
      killed = true;
      await stopped(proc);
      await loading;
      firstBatch += 100_000;

      // Restart (recovery runs), stop cleanly, then look at what is stored.
      const again = await startServe(dataDir);
      current = again.proc;
      again.proc.kill('SIGTERM');
      await stopped(again.proc);
      const stored = await readBatches(dataDir);
      expect(audit(stored, acked, attempted), `round ${round}`).toEqual({ lost: [], phantom: [], torn: [] });
    }
    expect(acked.size).toBeGreaterThan(20);
  }, 120_000);
});
