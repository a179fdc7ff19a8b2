// Runs `lpstudio serve` as a child process for the endpoint tests, runs the management
// commands, and reads back what the server stored (through the bucket store, in-process, once
// the server has stopped). Every wait is bounded; cleanup() stops whatever is still running and
// removes the temporary directories.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Field } from '../../lineprotocol/types.js';
import type { MetaState } from '../../server/meta.js';
import type { BucketStore, StoredPoint } from '../../server/store/api.js';
import { repoRoot } from './shared.js';

export const LPSTUDIO_BIN = path.join(repoRoot, 'bin', 'lpstudio.js');
const START_TIMEOUT_MS = 15_000;
// A clean stop compacts what the WAL holds (so the next start replays nothing); a test that
// wrote hundreds of thousands of values on a busy 2-core machine can take ~10 s for it. The
// bound only catches a stop that hangs, it is not a speed check (that lives in the bench).
const STOP_TIMEOUT_MS = 30_000;
const CLI_TIMEOUT_MS = 15_000;

export interface RunningServer {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  host: string;
  port: number;
  token: string;
  dataDir: string;
  pid: number;
  /** Everything the server printed so far (stdout and stderr). */
  stdout(): string;
  stderr(): string;
  /** SIGTERM and wait for the exit (SIGKILL after STOP_TIMEOUT_MS, then an error). Resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** A fresh directory under the OS temp dir, removed by cleanup(). */
export function makeTempDir(prefix = 'lpstudio-endpoint-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function randomToken(): string {
  return `test-token-${randomBytes(16).toString('hex')}`;
}

function exited(proc: ChildProcess): boolean {
  return proc.exitCode !== null || proc.signalCode !== null;
}

function waitExit(proc: ChildProcess, ms: number): Promise<boolean> {
  if (exited(proc)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      proc.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    proc.once('exit', onExit);
  });
}

export interface StartOptions {
  /** Data directory (default: a new temp dir; the server onboards it). */
  dataDir?: string;
  /** Operator token (default: a random one). Must match the one the data dir was set up with. */
  token?: string;
  /** Extra `serve` flags, e.g. ['--body-timeout', '1']. */
  args?: string[];
  /** Extra environment, e.g. LPSTUDIO_FAULTS for the fault suites. */
  env?: Record<string, string>;
}

/** Starts `node bin/lpstudio.js serve --port 0 --data DIR --token T` and waits for the listening line. */
export function startServer(o: StartOptions = {}): Promise<RunningServer> {
  const dataDir = o.dataDir ?? path.join(makeTempDir(), 'data');
  const token = o.token ?? randomToken();
  const proc = spawn(process.execPath, [LPSTUDIO_BIN, 'serve', '--port', '0', '--data', dataDir, '--token', token, ...(o.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: repoRoot,
    env: { ...process.env, ...o.env },
  });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      proc.stdout!.off('data', onOut);
      proc.off('exit', onExit);
      if (!exited(proc)) proc.kill('SIGKILL');
      reject(new Error(`lpstudio serve ${why}\nstdout: ${out}\nstderr: ${err}`));
    };
    const timer = setTimeout(() => fail(`did not print its listening line within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    const onExit = (code: number | null, signal: string | null) => fail(`exited early (code ${code}, signal ${signal})`);
    const onOut = () => {
      const m = /lpstudio endpoint listening on (http:\/\/([\d.]+):(\d+)) \(data: (.*)\)\n/.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      proc.stdout!.off('data', onOut);
      proc.off('exit', onExit);
      if (m[4] !== dataDir) {
        reject(new Error(`listening line names data dir ${m[4]}, expected ${dataDir}`));
        return;
      }
      resolve({
        url: m[1],
        host: m[2],
        port: Number(m[3]),
        token,
        dataDir,
        pid: proc.pid!,
        stdout: () => out,
        stderr: () => err,
        stop: async () => {
          if (!exited(proc)) proc.kill('SIGTERM');
          if (!(await waitExit(proc, STOP_TIMEOUT_MS))) {
            proc.kill('SIGKILL');
            await waitExit(proc, STOP_TIMEOUT_MS);
            throw new Error(`lpstudio serve did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM\nstderr: ${err}`);
          }
          return proc.exitCode;
        },
        kill: async () => {
          if (!exited(proc)) proc.kill('SIGKILL');
          await waitExit(proc, STOP_TIMEOUT_MS);
        },
      });
    };
    proc.stdout!.on('data', onOut);
    proc.once('exit', onExit);
  });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/lpstudio.js ARGS` (bounded). */
export function runCli(args: readonly string[], timeoutMs = CLI_TIMEOUT_MS): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [LPSTUDIO_BIN, ...args], { cwd: repoRoot, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs a management command and fails loudly unless it exits 0. */
export async function lpstudio(...args: string[]): Promise<string> {
  const r = await runCli(args);
  if (r.code !== 0) throw new Error(`lpstudio ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

/**
 * A data directory onboarded by `lpstudio serve` itself (started once, then stopped) and then
 * prepared with management commands (each given without --data), so the next start knows
 * every bucket, authorization and mapping from the beginning.
 */
export async function prepareDataDir(commands: readonly (readonly string[])[] = [], token = randomToken()): Promise<{ dataDir: string; token: string }> {
  const first = await startServer({ token });
  const code = await first.stop();
  if (code !== 0) throw new Error(`lpstudio serve exited ${code} on SIGTERM\nstderr: ${first.stderr()}`);
  for (const c of commands) await lpstudio(...c, '--data', first.dataDir);
  return { dataDir: first.dataDir, token };
}

function assertNotServing(dataDir: string): void {
  // The store cannot be opened while a server of ours holds the data dir.
  for (const p of live) {
    const i = p.spawnargs.indexOf('--data');
    if (i >= 0 && p.spawnargs[i + 1] === dataDir) throw new Error(`a server (pid ${p.pid}) still runs on ${dataDir}: stop it before reading back`);
  }
}

async function distModule<T>(rel: string): Promise<T> {
  return (await import(pathToFileURL(path.join(repoRoot, 'dist', rel)).href)) as T;
}

export async function readMeta(dataDir: string): Promise<Readonly<MetaState>> {
  const { MetaStore } = await distModule<typeof import('../../server/meta.js')>('server/meta.js');
  return structuredClone(MetaStore.open(dataDir).get());
}

async function withStore<T>(dataDir: string, fn: (store: BucketStore, meta: Readonly<MetaState>) => T): Promise<T> {
  assertNotServing(dataDir);
  const { MetaStore } = await distModule<typeof import('../../server/meta.js')>('server/meta.js');
  const { openBucketStore } = await distModule<typeof import('../../server/store/index.js')>('server/store/index.js');
  const meta = MetaStore.open(dataDir).get();
  const store = await openBucketStore(dataDir, [...meta.buckets], { log: () => {} });
  try {
    return fn(store, meta);
  } finally {
    await store.close();
  }
}

function bucketId(meta: Readonly<MetaState>, bucketName: string): string {
  const b = meta.buckets.find((x) => x.name === bucketName);
  if (b === undefined) throw new Error(`no bucket named ${JSON.stringify(bucketName)} in the data dir (have ${meta.buckets.map((x) => x.name).join(', ')})`);
  return b.id;
}

/** The stored points of one measurement of a bucket (the server must be stopped). */
export function readBack(dataDir: string, bucketName: string, measurement: string): Promise<Pt[]> {
  return withStore(dataDir, (store, meta) => store.read({ bucketId: bucketId(meta, bucketName), measurement }).map(simplify));
}

/** Every stored point of a bucket, measurement by measurement (the server must be stopped). */
export function readBucket(dataDir: string, bucketName: string): Promise<Pt[]> {
  return withStore(dataDir, (store, meta) => {
    const id = bucketId(meta, bucketName);
    return store.measurements(id).flatMap((m) => store.read({ bucketId: id, measurement: m }).map(simplify));
  });
}

/** Every stored point of every bucket, by bucket name (the server must be stopped). */
export function readAll(dataDir: string): Promise<Record<string, Pt[]>> {
  return withStore(dataDir, (store, meta) => {
    const out: Record<string, Pt[]> = {};
    for (const b of meta.buckets) out[b.name] = store.measurements(b.id).flatMap((m) => store.read({ bucketId: b.id, measurement: m }).map(simplify));
    return out;
  });
}

// ---- expected points ----

export type FieldValue = { type: 'float'; value: number } | { type: 'int' | 'uint' | 'string'; value: string } | { type: 'bool'; value: boolean };

/** A stored point in a comparable shape: tags and fields keyed (fields typed), time in ns. */
export interface Pt {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  time: string;
}

export const float = (value: number): FieldValue => ({ type: 'float', value });
export const int = (value: string | number | bigint): FieldValue => ({ type: 'int', value: String(value) });
export const uint = (value: string | number | bigint): FieldValue => ({ type: 'uint', value: String(value) });
export const str = (value: string): FieldValue => ({ type: 'string', value });
export const bool = (value: boolean): FieldValue => ({ type: 'bool', value });

export function pt(measurement: string, tags: Record<string, string>, fields: Record<string, FieldValue>, time: string | bigint | number): Pt {
  return { measurement, tags, fields, time: String(time) };
}

function simplify(p: StoredPoint): Pt {
  const tags: Record<string, string> = {};
  for (const t of p.tags) tags[t.key] = t.value;
  const fields: Record<string, FieldValue> = {};
  for (const f of p.fields as Field[]) fields[f.key] = { type: f.type, value: f.value } as FieldValue;
  return { measurement: p.measurement, tags, fields, time: p.time };
}

/** Points in a stable order (measurement, time, tags) for comparisons that ignore storage order. */
export function sorted(points: readonly Pt[]): Pt[] {
  const key = (p: Pt) => `${p.measurement}\u0000${p.time.padStart(25, '0')}\u0000${JSON.stringify(Object.entries(p.tags).sort())}`;
  return [...points].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

// ---- files ----

/** Every path under dir (relative, directories with a trailing slash), sorted. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = rel === '' ? name : `${rel}/${name}`;
      if (statSync(path.join(dir, r)).isDirectory()) {
        out.push(`${r}/`);
        walk(r);
      } else out.push(r);
    }
  };
  if (existsSync(dir)) walk('');
  return out.sort();
}

/** Stops every server still running (SIGKILL) and removes the temp dirs. For afterAll. */
export async function cleanup(): Promise<void> {
  await Promise.all(
    [...live].map(async (p) => {
      if (!exited(p)) p.kill('SIGKILL');
      await waitExit(p, STOP_TIMEOUT_MS);
    }),
  );
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  tempDirs.clear();
}
