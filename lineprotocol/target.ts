// Target profiles: the rules a write target applies, as one named value, so every check in the
// app (the editor's live lint, a dropped file's summary, the request inspector, uploads) judges
// a text by the target it goes to. What the target refuses is an error; what only another
// target would refuse is a warning that names it.
import { PRECISIONS } from './precision.js';
import type { Dialect, ParseOptions, Precision } from './types.js';

/** Where a write goes (the same names as the app's connection kinds). */
export type TargetKind = 'endpoint' | 'influxdb1' | 'influxdb2' | 'cloud' | 'influxdb3';

export const TARGET_KINDS: readonly TargetKind[] = ['endpoint', 'influxdb1', 'influxdb2', 'cloud', 'influxdb3'];

/** Targets checked by InfluxDB 3's own rules (lineprotocol/influxdb3-dialect.ts), not by this engine's dialects. */
export function checkedAsInfluxdb3(kind: TargetKind | undefined): boolean {
  return kind === 'influxdb3';
}

export interface TargetProfile {
  kind: TargetKind;
  /** How messages name it. */
  name: string;
  /** Which parser rules it applies. */
  dialect: Dialect;
  /** `strip`: a `\r` before `\n` is dropped (this app's endpoint); `keep`: it stays in the last value (InfluxDB). */
  crlf: 'keep' | 'strip';
  /** With `strip`: the targets that refuse what stripping lets through, named in the warning. */
  crlfRefusedBy?: string;
  /**
   * The precisions its write API takes, each meaning what InfluxDB's docs say (the app sends
   * 2.x and Cloud to /api/v2/write, which takes ns, us, ms, s; /write on 1.x and on this app's
   * endpoint honour all six).
   */
  precisions: readonly Precision[];
}

const V2_PRECISIONS: readonly Precision[] = ['ns', 'us', 'ms', 's'];

export const TARGET_PROFILES: Readonly<Record<TargetKind, TargetProfile>> = {
  // server/http/write.ts parses every body with crlf: 'strip'.
  endpoint: { kind: 'endpoint', name: "this app's endpoint", dialect: 'influxdb2', crlf: 'strip', crlfRefusedBy: 'InfluxDB 2.x and 1.x', precisions: PRECISIONS },
  influxdb1: { kind: 'influxdb1', name: 'InfluxDB 1.x', dialect: 'influxdb1', crlf: 'keep', precisions: PRECISIONS },
  influxdb2: { kind: 'influxdb2', name: 'InfluxDB 2.x', dialect: 'influxdb2', crlf: 'keep', precisions: V2_PRECISIONS },
  cloud: { kind: 'cloud', name: 'InfluxDB Cloud', dialect: 'influxdb2', crlf: 'keep', precisions: V2_PRECISIONS },
  // Checked by influxdb3-dialect.ts (see checkedAsInfluxdb3); the dialect here is what a file
  // upload to it is summarised with (uploads go through 3.x's /write compatibility endpoint).
  influxdb3: { kind: 'influxdb3', name: 'InfluxDB 3', dialect: 'influxdb2', crlf: 'keep', precisions: V2_PRECISIONS },
};

export function targetProfile(kind: TargetKind | undefined): TargetProfile {
  return TARGET_PROFILES[kind ?? 'endpoint'];
}

/** The engine options that check a text as `kind` would read it, with timestamps in `precision`. */
export function targetParseOptions(kind: TargetKind | undefined, precision: Precision, extra: ParseOptions = {}): ParseOptions {
  const t = targetProfile(kind);
  const o: ParseOptions = { ...extra, dialect: t.dialect, precision, crlf: t.crlf };
  if (t.crlfRefusedBy !== undefined) o.crlfRefusedBy = t.crlfRefusedBy;
  return o;
}

/** The target of a dialect, for callers that only know the dialect (InfluxDB's own rules). */
export function targetOfDialect(dialect: Dialect | undefined): TargetKind {
  return dialect === 'influxdb1' ? 'influxdb1' : 'influxdb2';
}
