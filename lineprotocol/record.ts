// The contract between the engine (line splitting, line numbers, warnings, streaming) and a
// dialect's record parser. A record is one logical line: it may span physical lines when a
// quoted string holds a newline.
import type { Point, Precision } from './types.js';

/** What a dialect's record parser needs besides the text. */
export interface RecordContext {
  /** 1-based line number of the record's first character. */
  line: number;
  /** Timestamp unit of the text. */
  precision: Precision;
  /** Server time in ns (already truncated) for records without a timestamp, as a decimal string. */
  defaultTime: string;
  /** When true, build Point objects; when false only validate (the result is then VALID). */
  build: boolean;
  /** Set by the parser: offsets of the timestamp token of the last accepted record (-1: none). */
  tsStart: number;
  tsEnd: number;
  /**
   * When present (warnings without building points), an accepted record's layout is written here,
   * so the cross-line checks can read names and values from the text without a Point.
   */
  shape?: RecordShape;
  /** Optional sink for dialect-specific warnings (offsets into the text). */
  warn?: (pos: number, end: number, code: string, message: string, hint?: string) => void;
}

/** A rejected record: where (offset into the whole text) and InfluxDB's reason text. */
export interface RecordFailure {
  failed: true;
  /** Offset of the offending character in the text passed to the parser. */
  pos: number;
  /** Offset just past the offending token (defaults to pos + 1). */
  end?: number;
  /** InfluxDB's reason text, e.g. `invalid number`. */
  reason: string;
  /** Our stable code, e.g. `invalid-number`. */
  code: string;
}

/** Returned by a record parser in validate-only mode for an accepted record. */
export const VALID = 1 as const;

export type RecordResult = Point | RecordFailure | typeof VALID;

export function isFailure(r: RecordResult | null): r is RecordFailure {
  return r !== null && typeof r === 'object' && (r as RecordFailure).failed === true;
}

export function fail(pos: number, reason: string, code: string, end?: number): RecordFailure {
  return end === undefined ? { failed: true, pos, reason, code } : { failed: true, pos, reason, code, end };
}

/**
 * Where the parts of an accepted record lie in the text. The span arrays are the parser's scratch
 * space, valid until it parses the next record: tags as (key start, '=', value end) triples in
 * input order with their sorted order in tagOrder; fields as (key start, '=', value end).
 */
export interface RecordShape {
  start: number;
  measurementEnd: number;
  keyEnd: number;
  /** Tags were already in series-key order. */
  sorted: boolean;
  /** A backslash in the key or the fields: names need unescaping (build the point instead). */
  escaped: boolean;
  nTags: number;
  tagSpans: Int32Array;
  tagOrder: Int32Array;
  nFields: number;
  fieldSpans: Int32Array;
  /** Time in ns, exact decimal. */
  time: string;
  timestamped: boolean;
}

export function emptyShape(): RecordShape {
  const none = new Int32Array(0);
  return { start: 0, measurementEnd: 0, keyEnd: 0, sorted: true, escaped: false, nTags: 0, tagSpans: none, tagOrder: none, nFields: 0, fieldSpans: none, time: '', timestamped: false };
}
