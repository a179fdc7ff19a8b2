// InfluxDB 2.x's storage rules, applied to a parsed batch in memory. The same function serves
// live writes and WAL replay, so replay drops exactly the points the live write dropped (replay
// passes the clock and retention recorded with the write).
import type { Field, FieldType, Point } from '../../lineprotocol/types.js';
import type { WriteOutcome } from './api.js';
import { copy, type Bucket, type ShardGroup } from './groups.js';
import { MemCol, MemTable } from './memtable.js';
import { SPLIT, splitTime } from './rows.js';
import { isBefore } from './time.js';

export const MAX_STRING_BYTES = 1048576;
/** A string this short cannot exceed MAX_STRING_BYTES in UTF-8 (3 bytes per UTF-16 unit at most). */
const SAFE_STRING_UNITS = Math.floor(MAX_STRING_BYTES / 3);
const NS_PER_S = 1_000_000_000n;

export const RETENTION_REASON = 'points beyond retention policy';

const TYPE_NAMES: Record<FieldType, string> = { float: 'float', int: 'integer', uint: 'unsigned', string: 'string', bool: 'boolean' };

export function typeConflictReason(field: string, measurement: string, type: FieldType, existing: FieldType): string {
  return `field type conflict: input field "${field}" on measurement "${measurement}" is type ${TYPE_NAMES[type]}, already exists as type ${TYPE_NAMES[existing]}`;
}

export function tooLongReason(field: string, measurement: string, bytes: number): string {
  return `input field "${field}" on measurement "${measurement}" is too long, ${bytes} > ${MAX_STRING_BYTES}`;
}

export function timeFieldReason(measurement: string): string {
  return `invalid field name: input field "time" on measurement "${measurement}" is invalid`;
}

/** The shard-group length InfluxDB picks for a retention period (it decides retention coverage). */
function influxGroupNs(retentionSeconds: number): bigint {
  const day = 86400;
  if (retentionSeconds >= 180 * day) return 7n * 86400n * NS_PER_S;
  if (retentionSeconds >= 2 * day) return 86400n * NS_PER_S;
  return 3600n * NS_PER_S;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
}

/**
 * The earliest time a point of this batch may have, or null for infinite retention. Like
 * InfluxDB's MapShards: points older than now - retention are dropped unless a newer point of the
 * same batch already maps to the shard group they fall in (InfluxDB's group length for this
 * retention), which can only be the group holding the cut-off itself.
 */
function retentionFloor(points: readonly Point[], now: bigint, retentionSeconds: number): bigint | null {
  if (!(retentionSeconds > 0)) return null;
  const cutoff = now - BigInt(Math.round(retentionSeconds)) * NS_PER_S;
  const len = influxGroupNs(retentionSeconds);
  const groupStart = floorDiv(cutoff, len) * len;
  const groupEnd = groupStart + len;
  const cutoffNum = Number(cutoff);
  const endNum = Number(groupEnd);
  for (const p of points) {
    if (!isBefore(p.time, cutoff, cutoffNum) && isBefore(p.time, groupEnd, endNum)) return groupStart;
  }
  return cutoff;
}

/**
 * The column each field of the point being applied matched while validating (TIME: a `time`
 * field, skipped), so the second pass over the fields need not compare keys again. Reused for
 * every point: the write path must not allocate (see memtable.ts).
 */
const SEEN: (MemCol | undefined)[] = [];
const TIME = new MemCol('time', 'float');

export interface ApplyOutcome extends WriteOutcome {
  /** Field values stored. */
  values: number;
}

/** Applies a batch to the bucket's active memtables. */
export function applyPoints(b: Bucket, points: readonly Point[], now: bigint, retentionSeconds: number, groupSeconds: number): ApplyOutcome {
  const floor = retentionFloor(points, now, retentionSeconds);
  // The floor as exact (seconds, nanoseconds), compared with each point's split time.
  const floorSec = floor === null ? -Infinity : Number(floorDiv(floor, NS_PER_S));
  const floorNs = floor === null ? 0 : Number(floor - floorDiv(floor, NS_PER_S) * NS_PER_S);
  let written = 0;
  let dropped = 0;
  let values = 0;
  let reason: string | undefined;
  let retentionDropped = false;
  let gi = NaN;
  let g: ShardGroup | undefined;
  for (const p of points) {
    splitTime(p.time);
    const sec = SPLIT.sec;
    const ns = SPLIT.ns;
    if (sec < floorSec || (sec === floorSec && ns < floorNs)) {
      dropped++;
      retentionDropped = true;
      continue;
    }
    // Group boundaries are whole seconds, so the seconds part alone decides the group.
    const idx = Math.floor(sec / groupSeconds);
    if (idx !== gi) {
      gi = idx;
      g = b.groups.get(gi);
    }
    const m = p.measurement;
    const types = g?.types.get(m);
    let ms = g?.active?.find(p);
    // The measurement's memtable columns know most types without a map lookup.
    const mm = ms !== undefined ? ms.mm : g?.active?.measurements.get(m);
    const fields = p.fields;
    // Fields in order, as InfluxDB validates them: `time` is skipped, the first failing field
    // decides the reason, and the whole point goes.
    let bad: string | undefined;
    let kept = 0;
    let fresh: Field[] | null = null;
    for (let j = 0; j < fields.length; j++) {
      const f = fields[j];
      if (f.key === 'time') {
        SEEN[j] = TIME;
        continue;
      }
      kept++;
      if (f.type === 'string' && f.value.length > SAFE_STRING_UNITS) {
        const n = Buffer.byteLength(f.value, 'utf8');
        if (n > MAX_STRING_BYTES) {
          bad = tooLongReason(f.key, m, n);
          break;
        }
      }
      let c = mm?.byPos[j];
      if (c !== undefined && c.key !== f.key) c = undefined;
      SEEN[j] = c;
      let t = c !== undefined ? c.type : types?.get(f.key);
      if (t === undefined && fresh !== null) t = fresh.find((x) => x.key === f.key)?.type;
      if (t === undefined) (fresh ??= []).push(f);
      else if (t !== f.type) {
        bad = typeConflictReason(f.key, m, f.type, t);
        break;
      }
    }
    if (bad === undefined && kept === 0) bad = timeFieldReason(m);
    if (bad !== undefined) {
      dropped++;
      reason ??= bad;
      continue;
    }
    if (g === undefined) g = b.group(gi);
    if (fresh !== null) {
      // New fields take their type now: within a batch the first type wins.
      let t = types;
      if (t === undefined) g.types.set(copy(m), (t = new Map()));
      for (const f of fresh) t.set(copy(f.key), f.type); // kept for the group's life: not slices of the request
    }
    const mt = (g.active ??= new MemTable());
    if (ms === undefined) {
      const info = g.series.get(p.series) ?? b.internPoint(p.series, m, p.tags);
      g.addSeries(info);
      ms = mt.addSeries(info);
    }
    const row = mt.pushRow(ms, sec, ns);
    const cols = ms.mm;
    for (let j = 0; j < fields.length; j++) {
      let c = SEEN[j];
      if (c === TIME) continue;
      const f = fields[j];
      if (c === undefined) {
        c = cols.colByKey.get(f.key);
        if (c === undefined) {
          c = new MemCol(f.key, f.type);
          cols.colByKey.set(f.key, c);
          cols.cols.push(c);
        }
        cols.byPos[j] = c;
      }
      c.put(row, f);
    }
    mt.values += kept;
    values += kept;
    written++;
  }
  // A shard's rejection is what InfluxDB reports; the retention drop only when there is none.
  if (reason === undefined && retentionDropped) reason = RETENTION_REASON;
  // SEEN outlives the call: left filled, it would keep the last memtable's columns alive after compaction.
  SEEN.fill(undefined);
  const out: ApplyOutcome = { written, dropped, values };
  if (reason !== undefined) out.reason = reason;
  return out;
}
