// `lpstudio write --api v3` against a real `lpstudio serve` child's /api/v3/write_lp: with
// --accept-partial the good lines of a batch are stored and each bad one is reported with its
// file line (3.x numbers records; blank lines in the file are mapped back); without it the
// batch with a bad line is refused whole; --no-sync writes too.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanup, LPSTUDIO_BIN, makeTempDir, readAll, startServer, type RunningServer } from '../support/serve.js';

let srv: RunningServer;
const dir = makeTempDir('lpstudio-write-v3-');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [LPSTUDIO_BIN, 'write', ...args], { maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const file = path.join(dir, 'v3.lp');
writeFileSync(file, '# sensors\nroom,r=a t=21.5 1700000000\n\nroom,r=b t="warm" 1700000001\nroom,r=c t=22 1700000002000\n');

let partial: Awaited<ReturnType<typeof cli>>;
let strict: Awaited<ReturnType<typeof cli>>;
let nosync: Awaited<ReturnType<typeof cli>>;

beforeAll(async () => {
  srv = await startServer();
  const common = ['--url', srv.url, '--token', srv.token];
  partial = await cli([file, ...common, '--api', 'v3', '--db', 'partial', '--accept-partial']);
  strict = await cli([file, ...common, '--api', 'v3', '--db', 'strict']);
  nosync = await cli([file, ...common, '--api', 'v3', '--db', 'nosync', '--accept-partial', '--no-sync', '--precision', 'auto']);
  await srv.stop();
});

afterAll(cleanup);

it('--accept-partial: the good lines are stored, the bad one reported by its file line', async () => {
  expect(partial.code).toBe(1);
  expect(partial.stdout + partial.stderr).toMatch(/line 4\b.*invalid column type for column 't'/);
  const stored = await readAll(srv.dataDir);
  expect(stored.partial.map((p) => [p.tags.r, p.time]).sort()).toEqual([
    ['a', '1700000000000000000'],
    ['c', '1700000002000000000'],
  ]);
  expect(stored.nosync.map((p) => p.tags.r).sort()).toEqual(['a', 'c']);
  expect(nosync.code).toBe(1);
});

it('without --accept-partial the batch with a bad line is refused whole (accept_partial=false)', async () => {
  expect(strict.code).toBe(1);
  expect(strict.stdout + strict.stderr).toMatch(/line 4\b/);
  const stored = await readAll(srv.dataDir);
  expect(stored.strict).toBeUndefined();
});
