// Flags shared by the commands that read line protocol.
import { parsePrecision, PRECISION_SPELLINGS } from '../lineprotocol/precision.js';
import type { Dialect, Precision } from '../lineprotocol/types.js';
import { UsageError, type FlagSpec } from './args.js';

export const DIALECTS: readonly Dialect[] = ['influxdb2', 'influxdb1', 'reference'];

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

export function dialectFlag(raw: string | undefined): Dialect {
  return (raw ?? 'influxdb2') as Dialect;
}
