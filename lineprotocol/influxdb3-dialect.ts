// The `influxdb3` dialect: a text checked as InfluxDB 3 reads it. The crate's parser
// (influxdb3.ts) and 3.x's schema rules (influxdb3-schema.ts) give the errors, with 3.x's own
// texts; warnings say where 3.x only differs from 2.x/1.x (a line 2.x refuses that 3.x accepts,
// a timestamp precision `auto` reads in another unit than its neighbours, a timestamp that looks
// like another unit) and, on every error, which `line_number` 3.x will report when that is not
// the line's own number. Same shapes as the other dialects (points, RecordError, Diagnostic), so
// `lpstudio lint/parse --dialect influxdb3` and the editor use it through the same sinks.
// It reads the whole text (3.x numbers records from the body's start); the other dialects stream.
import { compareUtf8, parseInfluxRecord, skipInfluxWhitespace } from './influx.js';
import { parseV3Lines, type V3Line, type V3Value } from './influxdb3.js';
import { EMPTY_SCHEMA, guessPrecision, V3Catalog, v3DefaultTime, v3TimestampNs, type V3Precision, type V3SchemaSource } from './influxdb3-schema.js';
import { nowNs, PRECISION_LABELS } from './precision.js';
import { isFailure, type RecordContext } from './record.js';
import type { Diagnostic, Field, Point, RecordError } from './types.js';
import { suggestPrecision, type ParseSink, type ParseStats } from './parse.js';

export interface Influxdb3Options {
  /** 3.x's precision: `auto` (its default on /api/v3/write_lp) or a fixed unit. */
  precision?: V3Precision;
  /** Server time in ns for lines without a timestamp (default: now). */
  now?: bigint;
  /** Emit warnings (default true). */
  warnings?: boolean;
  /** Tables the write goes to already (default: none, as for a new database). */
  schema?: V3SchemaSource;
  /** Line number of the first line (default 1). */
  firstLine?: number;
}

const UNIT_WORD: Record<Exclude<V3Precision, 'auto'>, string> = { s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds' };

/** Our hints for the crate's errors, by the start of its text. */
const V3_HINTS: [string, string][] = [
  ['Expected at least one space character, got `\t', 'InfluxDB 3 separates the measurement, fields and timestamp with spaces only; a tab is not one.'],
  ['Expected at least one space character', 'After the measurement and tags put one space, then at least one field: cpu,host=a value=1.'],
  ['Could not parse entire line. Found trailing content: ` `', 'InfluxDB 3 refuses a space after the last field when no timestamp follows: remove the trailing space.'],
  ['Could not parse entire line. Found trailing content: `\r', 'InfluxDB 3 keeps the \\r of a CRLF line ending and refuses it: save the text with LF line endings.'],
  ['Could not parse entire line', 'What is left after the fields (and timestamp) is not line protocol: a value with a stray suffix, a comma with nothing after it, or a second timestamp.'],
  ['No fields were provided', 'Every line needs at least one field after the space: name=value, with a number, 1i, 1u, true or "a string" as value.'],
  ['Tag set malformed', 'Write tags as ,key=value after the measurement; escape a space, comma or = in them with a backslash.'],
  ['Expected tag key', 'Each comma in the tag set must be followed by key=value. Remove the extra or trailing comma.'],
  ['Expected tag value', 'Write tags as key=value with a non-empty value.'],
  ['Measurements, tag keys and values, and field keys may not end with a backslash', 'InfluxDB 3 refuses a name ending in a backslash, also an escaped one (\\\\).'],
  ['String is greater than 64KB', 'InfluxDB 3 takes strings and names up to 64 KiB. Split the value or store it elsewhere.'],
  ['Invalid measurement', 'A line starts with the measurement name, e.g. cpu,host=a value=1.'],
  ['Unable to parse integer value', 'Integers (i) range from -9223372036854775808 to 9223372036854775807.'],
  ['Unable to parse unsigned integer value', 'Unsigned integers (u) range from 0 to 18446744073709551615.'],
  ['Unable to parse timestamp value', 'A timestamp is a signed 64-bit integer.'],
  ['invalid column type for column', 'InfluxDB 3 keeps a column\'s first type for good, and a tag and a field cannot share a name. Rename the column or write the type it has.'],
  ['invalid line protocol - multiple instances', 'Each field may appear once per line in InfluxDB 3. Remove the repeated field.'],
  ['Update to schema would exceed', 'InfluxDB 3 Core limits tables to 500 columns (tags and fields) and an instance to 2,000 tables. Spread the data over more tables or databases.'],
  ['timestamp, ', 'With this precision the timestamp overflows 64-bit nanoseconds: check the precision.'],
];

function v3Hint(message: string): string | undefined {
  return V3_HINTS.find(([prefix]) => message.startsWith(prefix))?.[1];
}

function toField(key: string, v: V3Value): Field {
  switch (v.type) {
    case 'int':
    case 'uint':
      return { key, type: v.type, value: v.value.toString() };
    case 'float':
      return { key, type: 'float', value: v.value };
    case 'string':
      return { key, type: 'string', value: v.value };
    case 'bool':
      return { key, type: 'bool', value: v.value };
  }
}

const escape = (s: string, chars: string) => {
  let out = '';
  for (const ch of s) out += chars.includes(ch) ? '\\' + ch : ch;
  return out;
};

/** The point 3.x stores for a line (a repeated tag keeps its last value), series key as InfluxDB builds it. */
function toPoint(l: V3Line, ns: bigint, line: number): Point {
  const byKey = new Map<string, string>();
  for (const t of l.tags) byKey.set(t.key, t.value);
  const tags = [...byKey].map(([key, value]) => ({ key, value })).sort((a, b) => compareUtf8(a.key, b.key));
  const series = escape(l.measurement, ', ') + tags.map((t) => `,${escape(t.key, ',= ')}=${escape(t.value, ',= ')}`).join('');
  return { measurement: l.measurement, series, tags, fields: l.fields.map((f) => toField(f.key, f.value)), time: ns.toString(), timestamped: l.timestamp !== undefined, line };
}

/** Streaming interface of the engine (LineProtocolParser's), for the commands and the editor: the text is read whole at end(). */
export class Influxdb3Parser {
  readonly stats: ParseStats = { lines: 0, records: 0, points: 0, errors: 0, warnings: 0 };
  private chunks: string[] = [];

  constructor(
    private readonly opts: Influxdb3Options,
    private readonly sink: ParseSink,
  ) {}

  push(chunk: string): void {
    this.chunks.push(chunk);
  }

  end(): ParseStats {
    const text = this.chunks.join('');
    this.chunks = [];
    checkInfluxdb3(text, this.opts, this.sink, this.stats);
    return this.stats;
  }
}

/** Checks a whole text as InfluxDB 3 would take it; findings go to the sink, in input order. */
export function checkInfluxdb3(text: string, opts: Influxdb3Options, sink: ParseSink, stats: ParseStats = { lines: 0, records: 0, points: 0, errors: 0, warnings: 0 }): ParseStats {
  const precision = opts.precision ?? 'auto';
  const warnings = opts.warnings ?? true;
  const first = opts.firstLine ?? 1;
  const defaultNs = v3DefaultTime(opts.now ?? nowNs(), precision);
  const catalog = new V3Catalog(opts.schema ?? EMPTY_SCHEMA);
  let autoUnit: Exclude<V3Precision, 'auto'> | undefined;
  const lineEndCol = (r: { start: number; end: number }) => {
    const nl = text.indexOf('\n', r.start);
    const lineEnd = nl < 0 || nl > r.end ? r.end : nl;
    const lineStart = text.lastIndexOf('\n', r.start - 1) + 1;
    return { column: r.start - lineStart + 1, endColumn: Math.max(lineEnd - lineStart + 1, r.start - lineStart + 2) };
  };
  const warn = (d: Omit<Diagnostic, 'severity'>) => {
    if (!warnings) return;
    stats.warnings++;
    sink.warning?.({ ...d, severity: 'warning' });
  };
  for (const r of parseV3Lines(text)) {
    stats.records++;
    const line = r.line + first - 1;
    const cols = lineEndCol(r);
    const quoted = text.slice(r.start, r.end);
    let error: string | undefined;
    let code = 'influxdb3-syntax';
    let point: Point | undefined;
    if (!r.result.ok) error = r.result.error;
    else {
      const l = r.result.line;
      error = catalog.qualify(l);
      code = 'influxdb3-schema';
      if (error === undefined) {
        const ns = l.timestamp === undefined ? defaultNs : v3TimestampNs(l.timestamp, precision);
        if (typeof ns === 'string') {
          error = ns;
          code = 'time-out-of-range';
        } else point = toPoint(l, ns, line);
      }
    }
    // What InfluxDB 2.x/1.x make of the same record (its parser, no points built).
    const ctx: RecordContext = { line, precision: 'ns', defaultTime: '0', build: false, tsStart: -1, tsEnd: -1 };
    const start = skipInfluxWhitespace(text, r.start, r.end);
    const v2 = parseInfluxRecord(text, start, r.end, ctx, false);
    if (error !== undefined) {
      stats.errors++;
      let message = error;
      if (r.index !== r.line) message += ` (InfluxDB 3 reports it as line_number ${r.index}: it numbers records, without blank and comment lines)`;
      const d: Diagnostic = { line, column: cols.column, endColumn: cols.endColumn, severity: 'error', code, message };
      let hint = v3Hint(error);
      if (!isFailure(v2) && code === 'influxdb3-syntax') hint = `${hint ?? ''}${hint === undefined ? '' : ' '}InfluxDB 2.x and 1.x accept this line.`;
      if (hint !== undefined) d.hint = hint;
      const e: RecordError = { line, column: cols.column, reason: error, text: quoted, message: error };
      sink.error?.(e, d);
      continue;
    }
    stats.points++;
    const l = (r.result as { ok: true; line: V3Line }).line;
    if (isFailure(v2)) {
      warn({ line, column: cols.column, endColumn: cols.endColumn, code: 'influxdb2-refuses', message: `InfluxDB 3 accepts this line; InfluxDB 2.x and 1.x refuse it (${v2.reason})`, hint: 'Fine for InfluxDB 3. Before sending it to InfluxDB 2.x or 1.x, fix it as they require.' });
    }
    if (l.timestamp !== undefined) {
      const token = l.timestamp.toString();
      if (precision === 'auto') {
        const unit = guessPrecision(l.timestamp);
        if (autoUnit === undefined) autoUnit = unit;
        else if (unit !== autoUnit) {
          warn({ line, column: cols.column, endColumn: cols.endColumn, code: 'auto-precision-mixed', message: `precision auto reads timestamp ${token} as ${UNIT_WORD[unit]}; earlier lines were read as ${UNIT_WORD[autoUnit]}`, hint: 'Intended? Write all timestamps in one unit, or give the precision explicitly.' });
        }
      } else {
        const q = suggestPrecision(token, precision);
        if (q !== undefined) {
          warn({ line, column: cols.column, endColumn: cols.endColumn, code: 'precision-mismatch', message: `timestamp ${token} in ${PRECISION_LABELS[precision]} lands outside 1980-2200; it looks like ${PRECISION_LABELS[q]}`, hint: `Choose precision ${q} (or auto).`, precision: q });
        }
      }
    }
    if (point !== undefined) sink.point?.(point);
    sink.accepted?.(text, point ?? null, null);
  }
  // Physical lines, as the other dialects count them (a final line without a newline counts).
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  if (text.length > 0 && !text.endsWith('\n')) lines++;
  stats.lines += lines;
  return stats;
}

/**
 * What changes for a text when its target switches between InfluxDB 2.x (or this app's endpoint)
 * and InfluxDB 3: the lines one refuses and the other accepts (1-based line numbers).
 */
export function influxdb3Differences(text: string, v2Errors: readonly number[], precision: V3Precision = 'auto'): { refusedByV3Only: number[]; refusedByV2Only: number[] } {
  const v3 = new Set<number>();
  checkInfluxdb3(text, { precision, warnings: false }, { error: (e) => v3.add(e.line) });
  const v2 = new Set(v2Errors);
  return { refusedByV3Only: [...v3].filter((l) => !v2.has(l)).sort((a, b) => a - b), refusedByV2Only: [...v2].filter((l) => !v3.has(l)).sort((a, b) => a - b) };
}
