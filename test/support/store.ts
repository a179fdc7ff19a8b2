// A real bucket store on real files in temporary directories, for the store's unit tests: one
// bucket B, the clock fixed at T, writes parsed as the endpoint parses them. storeFixtures()
// registers an afterEach that closes every store it opened and removes every directory it made.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { parse } from '../../lineprotocol/parse.js';
import type { BucketInfo, BucketStore, WriteOutcome } from '../../server/store/api.js';
import { openBucketStore, type StoreOptions } from '../../server/store/index.js';

export const B = 'b000000000000001';
export const T = 1_700_000_000_000_000_000n;

export const bucketB: BucketInfo = { id: B, name: 'b', orgId: '0000000000000001', retentionSeconds: 0, createdAt: '2024-01-01T00:00:00Z' };

export interface StoreFixtures {
  /** A fresh directory (named `prefix`…), removed after the test. */
  tempDir(): string;
  /** The store over `dir` with bucket B (the file's defaults, then `opts`), closed after the test unless the test closes it and calls forget(). */
  open(dir: string, opts?: StoreOptions): Promise<BucketStore>;
  /** A store the test closed itself: not closed again after the test. */
  forget(s: BucketStore): void;
}

/** Stores and directories of one test file: `prefix` names its directories, `defaults` are its store options. */
export function storeFixtures(prefix: string, defaults: StoreOptions = {}): StoreFixtures {
  const dirs: string[] = [];
  const stores: BucketStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close().catch(() => {});
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    tempDir() {
      const d = mkdtempSync(path.join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
    async open(dir, opts = {}) {
      const s = await openBucketStore(dir, [bucketB], { now: () => T, ...defaults, ...opts });
      stores.push(s);
      return s;
    },
    forget(s) {
      const i = stores.indexOf(s);
      if (i >= 0) stores.splice(i, 1);
    },
  };
}

/** Writes line protocol (ns precision) to bucket B; the text must parse without errors. */
export async function writeLines(s: BucketStore, text: string): Promise<WriteOutcome> {
  const r = parse(text, { dialect: 'influxdb2', precision: 'ns', now: T, truncateTo: 'ns', crlf: 'strip', warnings: false });
  expect(r.errors).toEqual([]);
  return s.write({ bucketId: B, body: Buffer.from(text, 'utf8'), precision: 'ns', defaultTime: T.toString() }, r.points);
}
