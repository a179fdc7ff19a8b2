// Timestamp tools of the composer: where each record's timestamp is, converting timestamps from one
// precision to another (the one-action fix of "this looks like milliseconds"), filling in missing
// timestamps, and "now" in a precision. Pure, exact (BigInt, never a lossy number); offsets are
// UTF-16 offsets into the text, as the editor counts them.
import { MAX_TIME, MIN_TIME, UNIT_NS } from '../lineprotocol/precision.js';
import type { Precision } from '../lineprotocol/types.js';

/** One record (a point's line; a quoted string value may span lines): where it ends and where its timestamp is. */
export interface RecordSpan {
  /** 1-based line of its start. */
  line: number;
  from: number;
  /** End of the record, before its line break (and a CR before it). */
  to: number;
  /** The timestamp's text, when the record has one. */
  time?: { from: number; to: number };
}

/**
 * The records of a text, comments and blank lines skipped. It follows the grammar's structure only
 * (measurement and tags, fields, timestamp; escapes; quoted strings across lines): whether a record
 * is valid is the linter's business.
 */
export function recordSpans(text: string): RecordSpan[] {
  const out: RecordSpan[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = i;
    const startLine = line;
    // A blank or comment line.
    let j = i;
    while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
    if (j >= n || text[j] === '\n' || text[j] === '\r' || text[j] === '#') {
      while (j < n && text[j] !== '\n') j++;
      i = j + 1;
      line++;
      continue;
    }
    // section 0: measurement and tags; 1: fields (quoted strings may hold spaces and line breaks); 2: timestamp.
    let section = 0;
    let inQuote = false;
    let sectionStart = [start, -1, -1];
    for (; i < n; i++) {
      const c = text[i];
      if (c === '\\' && i + 1 < n && text[i + 1] !== '\n') {
        i++;
        continue;
      }
      if (inQuote) {
        if (c === '"') inQuote = false;
        else if (c === '\n') line++;
        continue;
      }
      if (c === '\n') break;
      if (c === '"' && section === 1) inQuote = true;
      else if (c === ' ' && section < 2) {
        while (i + 1 < n && text[i + 1] === ' ') i++;
        section++;
        sectionStart[section] = i + 1;
      }
    }
    let end = i;
    if (end > start && text[end - 1] === '\r') end--;
    const rec: RecordSpan = { line: startLine, from: start, to: end };
    if (section === 2) {
      let tFrom = sectionStart[2];
      let tTo = end;
      while (tTo > tFrom && /\s/.test(text[tTo - 1])) tTo--;
      while (tFrom < tTo && text[tFrom] === ' ') tFrom++;
      if (tTo > tFrom) rec.time = { from: tFrom, to: tTo };
    }
    out.push(rec);
    sectionStart = [0, -1, -1];
    i++; // past the line break
    line++;
  }
  return out;
}

/** Floor division: -1 ms in seconds is -1, not 0 (times before 1970 round down like the others). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

export type Converted = { ok: true; value: string; lossy: boolean } | { ok: false; reason: string };

/**
 * One timestamp from precision `from` to `to`. Exact when going finer; going coarser rounds down
 * (and says so). A time outside what InfluxDB stores (±9223372036854775806 ns) is refused.
 */
export function convertTimestamp(raw: string, from: Precision, to: Precision): Converted {
  if (!/^-?\d+$/.test(raw)) return { ok: false, reason: `"${raw.slice(0, 40)}" is not an integer timestamp` };
  const ns = BigInt(raw) * UNIT_NS[from];
  if (ns < MIN_TIME || ns > MAX_TIME) return { ok: false, reason: `${raw} ${from} is outside the times InfluxDB stores (±9223372036854775806 ns)` };
  const value = floorDiv(ns, UNIT_NS[to]);
  return { ok: true, value: value.toString(), lossy: value * UNIT_NS[to] !== ns };
}

export interface TextEdit {
  from: number;
  to: number;
  insert: string;
}

export interface ConvertReport {
  edits: TextEdit[];
  converted: number;
  /** Rounded down to the coarser unit. */
  lossy: number;
  /** Records without a timestamp (left as they are). */
  untimed: number;
  /** Timestamps left as they are, each with its line and why. */
  refused: { line: number; reason: string }[];
}

/** Every timestamp of the records that start within [rangeFrom, rangeTo) (default: all), from one precision to another. */
export function convertTimestamps(text: string, from: Precision, to: Precision, range?: { from: number; to: number }): ConvertReport {
  const r: ConvertReport = { edits: [], converted: 0, lossy: 0, untimed: 0, refused: [] };
  for (const rec of recordSpans(text)) {
    if (range !== undefined && (rec.to < range.from || rec.from >= Math.max(range.to, range.from + 1))) continue;
    if (rec.time === undefined) {
      r.untimed++;
      continue;
    }
    const c = convertTimestamp(text.slice(rec.time.from, rec.time.to), from, to);
    if (!c.ok) {
      r.refused.push({ line: rec.line, reason: c.reason });
      continue;
    }
    r.converted++;
    if (c.lossy) r.lossy++;
    r.edits.push({ ...rec.time, insert: c.value });
  }
  return r;
}

/** The current time in a precision (rounded down), from the clock in milliseconds. */
export function nowIn(precision: Precision, nowMs: number): string {
  return floorDiv(BigInt(Math.floor(nowMs)) * 1_000_000n, UNIT_NS[precision]).toString();
}

/**
 * A timestamp for every record that has none: `start`, `start + interval`, … (in the document's
 * precision, counted over the records filled). Returns the edits and how many records got one.
 */
export function fillTimestamps(text: string, start: bigint, interval: bigint, range?: { from: number; to: number }): { edits: TextEdit[]; filled: number } {
  const edits: TextEdit[] = [];
  let k = 0n;
  for (const rec of recordSpans(text)) {
    if (rec.time !== undefined) continue;
    if (range !== undefined && (rec.to < range.from || rec.from >= Math.max(range.to, range.from + 1))) continue;
    const t = start + k * interval;
    k++;
    // Trailing spaces are kept before the timestamp's own separator.
    const at = rec.to;
    edits.push({ from: at, to: at, insert: `${text[at - 1] === ' ' ? '' : ' '}${t}` });
  }
  return { edits, filled: edits.length };
}
