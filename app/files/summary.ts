// The validation pass over a dropped file, before anything is sent: lines, points, measurements,
// time range, the first errors and warnings with their lines, and the first lines to show.
// Streamed through the engine, so a file of any size is summarized in constant memory.
import { countNewlines, lineCount, LineProtocolParser } from '../../lineprotocol/parse.js';
import { targetParseOptions, type TargetKind } from '../../lineprotocol/target.js';
import type { Diagnostic, Dialect, ParseOptions, Point, Precision, Severity } from '../../lineprotocol/types.js';
import { fileBytes } from './source.js';

/** Kept of each severity; the counts go on. */
export const DIAGNOSTICS_KEPT = 100;
/** Measurement names kept (the count goes on up to MEASUREMENTS_COUNTED). */
const MEASUREMENTS_LISTED = 100;
const MEASUREMENTS_COUNTED = 100_000;
/** The head shown in the editor: this many lines, at most HEAD_CHARS. */
const HEAD_LINES = 200;
const HEAD_CHARS = 64 * 1024;

/** Every problem of one kind in the whole file, counted (the diagnostics list keeps only the first). */
export interface ProblemGroup {
  severity: Severity;
  code: string;
  count: number;
  /** The first one's message and hint, to show the kind. */
  message: string;
  hint?: string;
  firstLine: number;
  /** precision-mismatch: the unit every timestamp of the group looks like (then "fix all" is exact). */
  precision?: Precision;
}

/** Distinct kinds of problems kept (a file has few; the rest are counted under "other"). */
const GROUPS_KEPT = 50;

export interface FileSummary {
  lines: number;
  records: number;
  points: number;
  errors: number;
  warnings: number;
  measurements: string[];
  measurementCount: number;
  /** True when there were more than MEASUREMENTS_COUNTED (the count stops there). */
  measurementsCapped: boolean;
  /** Nanoseconds, exact decimal strings; absent when no point. */
  minTime?: string;
  maxTime?: string;
  /** Points without a timestamp (the server's clock will date them). */
  untimed: number;
  /** The first errors and the first warnings, in line order. */
  diagnostics: Diagnostic[];
  /** Problems by kind (severity, code, and for precision the suggested unit), errors first. */
  groups: ProblemGroup[];
  head: string;
  headLines: number;
}

/** a < b for exact decimal nanosecond strings (may be negative). */
function lessTime(a: string, b: string): boolean {
  const na = a.charCodeAt(0) === 45;
  const nb = b.charCodeAt(0) === 45;
  if (na !== nb) return na;
  if (na) return a.length !== b.length ? a.length > b.length : a > b;
  return a.length !== b.length ? a.length < b.length : a < b;
}

export async function summarizeFile(
  file: string,
  o: { dialect?: Dialect; target?: TargetKind; precision?: Precision; signal?: AbortSignal; onDiskBytes?: (n: number) => void } = {},
): Promise<FileSummary> {
  // The upload's target judges the file; without one, InfluxDB's rules for the dialect.
  const opts: ParseOptions =
    o.target !== undefined ? targetParseOptions(o.target, o.precision ?? 'ns', { warnings: true }) : { dialect: o.dialect ?? 'influxdb2', precision: o.precision ?? 'ns', warnings: true };
  const groups = new Map<string, ProblemGroup>();
  const count = (d: Diagnostic) => {
    const key = `${d.severity}|${d.code}|${d.precision ?? ''}`;
    const g = groups.get(key);
    if (g !== undefined) g.count++;
    else if (groups.size < GROUPS_KEPT) {
      const n: ProblemGroup = { severity: d.severity, code: d.code, count: 1, message: d.message, firstLine: d.line };
      if (d.hint !== undefined) n.hint = d.hint;
      if (d.precision !== undefined) n.precision = d.precision;
      groups.set(key, n);
    }
  };
  const measurements = new Set<string>();
  let capped = false;
  let minTime: string | undefined;
  let maxTime: string | undefined;
  let untimed = 0;
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const parser = new LineProtocolParser(
    opts,
    {
      point(p: Point) {
        if (!measurements.has(p.measurement)) {
          if (measurements.size < MEASUREMENTS_COUNTED) measurements.add((' ' + p.measurement).slice(1));
          else capped = true;
        }
        if (!p.timestamped) {
          untimed++;
          return;
        }
        if (minTime === undefined || lessTime(p.time, minTime)) minTime = p.time;
        if (maxTime === undefined || lessTime(maxTime, p.time)) maxTime = p.time;
      },
      error(_e, d) {
        count(d);
        if (errors.length < DIAGNOSTICS_KEPT) errors.push(d);
      },
      warning(d) {
        count(d);
        if (warnings.length < DIAGNOSTICS_KEPT) warnings.push(d);
      },
    },
  );
  let head = '';
  let headLines = 0;
  let headDone = false;
  const decoder = new TextDecoder('utf-8');
  const take = (text: string) => {
    if (headDone) return;
    let i = 0;
    while (headLines < HEAD_LINES) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      headLines++;
      i = nl + 1;
    }
    const part = headLines < HEAD_LINES ? text : text.slice(0, i);
    head += part.slice(0, HEAD_CHARS - head.length);
    if (headLines >= HEAD_LINES || head.length >= HEAD_CHARS) {
      headDone = true;
      // Whole lines only: a cut line would show an error that is not in the file.
      const lastNl = head.lastIndexOf('\n');
      head = lastNl >= 0 ? head.slice(0, lastNl + 1) : ''; // a first line over 64 KiB is not shown at all
      headLines = countNewlines(head, 0, head.length);
    }
  };
  for await (const buf of fileBytes(file, o.onDiskBytes, o.signal)) {
    const text = decoder.decode(buf, { stream: true });
    take(text);
    parser.push(text, text.length === buf.length ? buf : undefined);
  }
  if (o.signal?.aborted) throw new Error('cancelled');
  const rest = decoder.decode();
  if (rest !== '') {
    take(rest);
    parser.push(rest);
  }
  const stats = parser.end();
  if (!headDone) headLines = lineCount(head);
  const diagnostics = [...errors, ...warnings].sort((a, b) => a.line - b.line || a.column - b.column);
  return {
    ...stats,
    measurements: [...measurements].sort().slice(0, MEASUREMENTS_LISTED),
    measurementCount: measurements.size,
    measurementsCapped: capped,
    minTime,
    maxTime,
    untimed,
    diagnostics,
    groups: [...groups.values()].sort((a, b) => (a.severity === b.severity ? a.firstLine - b.firstLine : a.severity === 'error' ? -1 : 1)),
    head,
    headLines,
  };
}
