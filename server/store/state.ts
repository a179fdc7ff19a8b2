// What the store's modules share (recovery.ts, writes.ts, compaction.ts, maintenance.ts and the
// reads in index.ts): the buckets and their shard groups, the WAL, the checkpoint and the
// counters. One object, created by index.ts; the modules are functions over it.
import path from 'node:path';
import { nowNs } from '../../lineprotocol/precision.js';
import type { StoreHealth } from './api.js';
import type { SyncCounter } from './durable.js';
import type { Bucket } from './groups.js';
import { SegmentWriter } from './segment-io.js';
import { GroupMath } from './time.js';
import type { WalWriter } from './wal.js';

export interface StoreOptions {
  log?: (msg: string) => void;
  /** Clock in ns (retention decisions). */
  now?: () => bigint;
  /** Shard group length; default 7 days. Keep it fixed for a data directory. */
  shardGroupSeconds?: number;
  /** Compact after this many field values were written since the last compaction. */
  compactAfterPoints?: number;
  /** …or once the WAL holds this many bytes (bounds replay time). */
  compactAfterWalBytes?: number;
}

const DEFAULT_GROUP_SECONDS = 7 * 86400;
const DEFAULT_COMPACT_VALUES = 1_000_000;
const DEFAULT_COMPACT_WAL_BYTES = 128 * 1024 * 1024;

const ID_RE = /^[0-9a-f]{16}$/;

export function checkId(id: string): void {
  if (!ID_RE.test(id)) throw new Error(`invalid bucket id ${JSON.stringify(id)}: want 16 lowercase hex characters`);
}

export class StoreState {
  readonly log: (msg: string) => void;
  readonly now: () => bigint;
  readonly gm: GroupMath;
  readonly compactValues: number;
  readonly compactWalBytes: number;
  readonly bucketsDir: string;
  readonly walDir: string;
  readonly buckets = new Map<string, Bucket>();
  readonly counter: SyncCounter = { fsyncs: 0 };
  readonly writer = new SegmentWriter();
  readonly healthListeners = new Set<(h: StoreHealth) => void>();
  /** Set once start-up has replayed the log (recovery.ts). */
  wal!: WalWriter;
  /** Highest WAL generation whose points are all in segments. */
  checkpoint = 0;
  /** WAL files replayed at start-up (not opened by the writer); deleted by the next compaction. */
  replayedGens: number[] = [];
  valuesSinceCompact = 0;
  /** Writes acknowledged. */
  commits = 0;
  lastWriteAt = Date.now();
  /** close() was called: no new maintenance, long jobs stop early. */
  closing = false;

  constructor(
    readonly dataDir: string,
    opts: StoreOptions,
  ) {
    this.log = opts.log ?? (() => {});
    this.now = opts.now ?? nowNs;
    this.gm = new GroupMath(opts.shardGroupSeconds ?? DEFAULT_GROUP_SECONDS);
    this.compactValues = opts.compactAfterPoints ?? DEFAULT_COMPACT_VALUES;
    this.compactWalBytes = opts.compactAfterWalBytes ?? DEFAULT_COMPACT_WAL_BYTES;
    this.bucketsDir = path.join(dataDir, 'buckets');
    this.walDir = path.join(dataDir, 'wal');
  }
}
