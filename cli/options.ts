// Flags shared by the commands that read line protocol.
import { parsePrecision, PRECISION_SPELLINGS } from '../lineprotocol/precision.js';
import type { Dialect, Precision } from '../lineprotocol/types.js';
import { parseV3Precision, V3_PRECISION_SPELLINGS, type V3Precision } from '../lineprotocol/influxdb3-schema.js';
import { UsageError, type FlagSpec } from './args.js';

/** The engine's dialects, and `influxdb3` (its own engine: lineprotocol/influxdb3-dialect.ts). */
export type CliDialect = Dialect | 'influxdb3';

export const DIALECTS: readonly CliDialect[] = ['influxdb2', 'influxdb1', 'reference', 'influxdb3'];

export const PARSER_FLAGS: Readonly<Record<string, FlagSpec>> = {
  dialect: { value: true, choices: DIALECTS },
  precision: { value: true },
};

export function precisionFlag(raw: string | undefined): Precision {
  if (raw === undefined) return 'ns';
  const p = parsePrecision(raw);
  if (p === undefined) throw new UsageError(`--precision must be one of ${PRECISION_SPELLINGS.join(', ')} (got "${raw}")`);
  return p;
}

export function dialectFlag(raw: string | undefined): CliDialect {
  return (raw ?? 'influxdb2') as CliDialect;
}

/** --precision for the influxdb3 dialect: 3.x's spellings, `auto` by default (as /api/v3/write_lp). */
export function v3PrecisionFlag(raw: string | undefined): V3Precision {
  if (raw === undefined) return 'auto';
  const p = parseV3Precision(raw);
  if (p === undefined) throw new UsageError(`with --dialect influxdb3, --precision must be one of ${Object.keys(V3_PRECISION_SPELLINGS).join(', ')} (got "${raw}"; InfluxDB 3 has no m or h)`);
  return p;
}
