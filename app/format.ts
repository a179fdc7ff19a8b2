// "Format document": each valid record in InfluxDB's canonical form: tags sorted by key (UTF-8
// byte order, as InfluxDB sorts a series key), escaping normalised (only `,` `=` and space
// escaped in tags and field keys, `,` and space in the measurement), one space between the
// parts; field order, values and timestamps exactly as written (numbers are never re-printed).
// A record is rewritten only when the engine reads the rewritten one as the same point, so
// formatting never changes what is stored. Comments, blank lines and invalid records stay as they are. Pure.
import { compareUtf8 } from '../lineprotocol/influx.js';
import { parse } from '../lineprotocol/parse.js';
import type { ParseOptions } from '../lineprotocol/types.js';
import { recordSpans, type TextEdit } from './timestamps.js';

/** Splits at `sep` where it is neither escaped nor (when `quotes`) inside a double-quoted string. */
function splitUnescaped(s: string, sep: string, quotes = false): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (quotes && c === '"') inQuote = !inQuote;
    else if (c === sep && !inQuote) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

/** Splits at the first unescaped `=`: key and value. */
function keyValue(s: string): [string, string] | null {
  const i = splitUnescaped(s, '=')[0].length;
  return i >= s.length ? null : [s.slice(0, i), s.slice(i + 1)];
}

const unescapeTag = (s: string) => s.replace(/\\([,= ])/g, '$1');
const escapeTag = (s: string) => s.replace(/([,= ])/g, '\\$1');
const normTag = (s: string) => escapeTag(unescapeTag(s));
const normMeasurement = (s: string) => s.replace(/\\([, ])/g, '$1').replace(/([, ])/g, '\\$1');

/** The three parts of a record: measurement and tags, fields, timestamp (quoted strings may hold spaces). */
function sections(rec: string): [string, string, string] | null {
  const parts: string[] = [];
  let start = 0;
  let inQuote = false;
  for (let i = 0; i < rec.length; i++) {
    const c = rec[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '"' && parts.length === 1) inQuote = !inQuote;
    else if (c === ' ' && !inQuote && parts.length < 2) {
      parts.push(rec.slice(start, i));
      while (rec[i + 1] === ' ') i++;
      start = i + 1;
    }
  }
  parts.push(rec.slice(start));
  if (parts.length < 2) return null;
  return [parts[0], parts[1], (parts[2] ?? '').trim()];
}

/** One record in canonical form, or null when it cannot be (left as written). */
export function formatRecord(rec: string): string | null {
  const s = sections(rec.trim());
  if (s === null) return null;
  const [head, fieldText, time] = s;
  const [measurement, ...tagTexts] = splitUnescaped(head, ',');
  const tags: [string, string][] = [];
  for (const t of tagTexts) {
    const kv = keyValue(t);
    if (kv === null) return null;
    tags.push([normTag(kv[0]), normTag(kv[1])]);
  }
  tags.sort((a, b) => compareUtf8(unescapeTag(a[0]), unescapeTag(b[0])));
  const fields: string[] = [];
  for (const f of splitUnescaped(fieldText, ',', true)) {
    const kv = keyValue(f);
    if (kv === null) return null;
    fields.push(`${normTag(kv[0])}=${kv[1]}`);
  }
  return `${normMeasurement(measurement)}${tags.map(([k, v]) => `,${k}=${v}`).join('')} ${fields.join(',')}${time === '' ? '' : ` ${time}`}`;
}

const samePoint = (a: string, b: string, opts: ParseOptions) => {
  const o = { ...opts, now: 0n };
  const pa = parse(a, o);
  const pb = parse(b, o);
  if (pa.errors.length > 0 || pb.errors.length > 0 || pa.points.length !== 1 || pb.points.length !== 1) return false;
  const key = (p: (typeof pa.points)[0]) => JSON.stringify([p.measurement, p.tags, p.fields, p.time, p.timestamped]);
  return key(pa.points[0]) === key(pb.points[0]);
};

export interface FormatResult {
  edits: TextEdit[];
  /** Each rewritten record: its line, as it was and as it is now. */
  changed: { line: number; before: string; after: string }[];
}

export function formatDocument(text: string, opts: ParseOptions = {}): FormatResult {
  const r: FormatResult = { edits: [], changed: [] };
  for (const rec of recordSpans(text)) {
    const before = text.slice(rec.from, rec.to);
    const after = formatRecord(before);
    if (after === null || after === before || !samePoint(before, after, opts)) continue;
    r.edits.push({ from: rec.from, to: rec.to, insert: after });
    r.changed.push({ line: rec.line, before, after });
  }
  return r;
}
