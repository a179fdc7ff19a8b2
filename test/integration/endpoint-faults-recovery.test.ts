// Start-up recovery of a real `lpstudio serve` never deletes data it cannot prove redundant: a
// deleted, emptied or corrupted wal/checkpoint is rebuilt from the segments (nothing lost), and
// an unreadable segment is moved to <data>/quarantine/ (named in the log), never removed; the
// endpoint then starts and serves everything else.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, float, lpstudio, makeTempDir, pt, readAll, sorted, startServer, type Pt, type RunningServer } from '../support/serve.js';

afterAll(cleanup);

const T0 = 1_700_000_000;
const DAY = 86_400;

/** Points spread over three shard groups (7 days each) of a bucket. */
function batch(bucket: string, from: number, n: number): { lines: string; points: Pt[] } {
  const lines: string[] = [];
  const points: Pt[] = [];
  for (let i = from; i < from + n; i++) {
    const t = T0 + (i % 3) * 8 * DAY + i;
    lines.push(`m,host=h${i % 5},b=${bucket} v=${i}.5 ${t}`);
    points.push(pt('m', { host: `h${i % 5}`, b: bucket }, { v: float(i + 0.5) }, `${t}000000000`));
  }
  return { lines: lines.join('\n') + '\n', points };
}

async function write(app: RunningServer, bucket: string, body: string): Promise<void> {
  const res = await fetch(`${app.url}/api/v2/write?org=lpstudio&bucket=${bucket}&precision=s`, { method: 'POST', headers: { Authorization: `Token ${app.token}` }, body });
  expect(res.status, await res.text()).toBe(204);
}

/** Stops the server once it certainly handles SIGTERM (serve installs the handler after printing its address). */
async function stop(app: RunningServer): Promise<void> {
  expect((await fetch(`${app.url}/ping`)).status).toBe(204);
  expect(await app.stop()).toBe(0);
}

function files(dir: string, suffix: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(suffix)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function copyOf(dataDir: string): string {
  const d = path.join(makeTempDir('lpstudio-faults-'), 'data');
  cpSync(dataDir, d, { recursive: true });
  return d;
}

let base: string;
let token: string;
let expected: Record<string, Pt[]>;

beforeAll(async () => {
  // Two buckets, three shard groups each, all of it compacted into segments by a graceful stop.
  const first = await startServer();
  ({ dataDir: base, token } = first);
  await stop(first);
  await lpstudio('bucket', 'create', '--name', 'second', '--data', base);
  const app = await startServer({ dataDir: base, token });
  const a = batch('default', 0, 300);
  const b = batch('second', 1000, 200);
  await write(app, 'default', a.lines);
  await write(app, 'second', b.lines);
  await stop(app);
  expected = { default: sorted(a.points), second: sorted(b.points) };
  expect(files(path.join(base, 'buckets'), '.seg').length).toBe(6);
  expect(files(path.join(base, 'wal'), '.wal').every((f) => statSync(f).size === 0)).toBe(true);
  expect(readFileSync(path.join(base, 'wal', 'checkpoint'), 'utf8')).toMatch(/^\d+\n$/);
}, 120_000);

async function readEverything(dataDir: string): Promise<Record<string, Pt[]>> {
  const all = await readAll(dataDir);
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, sorted(v)]));
}

describe('a damaged wal/checkpoint loses nothing', () => {
  const damages: [string, (file: string) => void, RegExp][] = [
    ['deleted', (f) => rmSync(f), /wal\/checkpoint is missing; rebuilt as \d+/],
    ['emptied', (f) => writeFileSync(f, ''), /wal\/checkpoint is empty; rebuilt as \d+/],
    ['corrupted', (f) => writeFileSync(f, 'x\u0000\u00ff garbage'), /wal\/checkpoint is corrupt \(.*\); rebuilt as \d+/],
  ];
  for (const [what, damage, logLine] of damages) {
    it(`${what}: every point is read back after a restart, and the checkpoint is written again`, async () => {
      const dir = copyOf(base);
      const segsBefore = files(path.join(dir, 'buckets'), '.seg');
      damage(path.join(dir, 'wal', 'checkpoint'));
      const app = await startServer({ dataDir: dir, token });
      await stop(app);
      expect(await readEverything(dir)).toEqual(expected);
      expect(files(path.join(dir, 'buckets'), '.seg')).toEqual(segsBefore);
      expect(app.stdout() + app.stderr()).toMatch(logLine);
      expect(readFileSync(path.join(dir, 'wal', 'checkpoint'), 'utf8')).toMatch(/^\d+\n$/);
    }, 120_000);
  }

  it('deleted after a crash: segments and the WAL written since both survive', async () => {
    const dir = copyOf(base);
    const app = await startServer({ dataDir: dir, token });
    const more = batch('default', 5000, 100);
    await write(app, 'default', more.lines);
    await app.kill(); // SIGKILL: the new points are only in the WAL
    rmSync(path.join(dir, 'wal', 'checkpoint'));
    const again = await startServer({ dataDir: dir, token });
    await stop(again);
    expect(await readEverything(dir)).toEqual({ ...expected, default: sorted([...expected.default, ...more.points]) });
  }, 120_000);
});

describe('an unreadable segment', () => {
  it('is moved to <data>/quarantine/ (named in the log) with its bytes, never deleted; the endpoint starts and serves the rest', async () => {
    const dir = copyOf(base);
    const segs = files(path.join(dir, 'buckets'), '.seg');
    const victim = segs[0];
    const rel = path.relative(dir, victim);
    // Corrupt its index (the footer's CRC no longer matches).
    const bytes = readFileSync(victim);
    bytes.fill(0x5a, bytes.length - 60, bytes.length - 30);
    writeFileSync(victim, bytes);

    const app = await startServer({ dataDir: dir, token });
    await stop(app);
    const log = app.stdout() + app.stderr();
    const moved = path.join(dir, 'quarantine', rel);
    expect(log).toContain(`moved ${rel} to ${path.join('quarantine', rel)}: unreadable segment`);
    expect(existsSync(victim)).toBe(false);
    expect(readFileSync(moved)).toEqual(bytes);

    // Everything the other segments hold is still served; only the quarantined group's points are missing.
    const got = await readEverything(dir);
    const total = Object.values(got).reduce((n, v) => n + v.length, 0);
    const all = Object.values(expected).reduce((n, v) => n + v.length, 0);
    expect(total).toBeLessThan(all);
    expect(total).toBeGreaterThan(all * 0.6);
    for (const [bucket, points] of Object.entries(got)) for (const p of points) expect(expected[bucket]).toContainEqual(p);
  }, 120_000);
});
