// The engine: splits text into records, numbers lines, runs the dialect's record parser, turns
// failures into InfluxDB's messages plus positioned diagnostics, and adds our warnings.
// One engine serves whole documents (parse/validate) and streams (push chunks, end).
import { influxRecordEnd, parseInfluxRecord, skipInfluxWhitespace, utf8Length } from './influx.js';
import { parseInfluxRecord as parseInfluxRecordBytes } from './influx-bytes.generated.js';
import { hintFor } from './hints.js';
import { formatNs, nowNs, PRECISIONS, PRECISION_LABELS, truncateTime, UNIT_NS } from './precision.js';
import { CrossLineChecks, type CrossLineOptions } from './crossline.js';
import { emptyShape, isFailure, type RecordContext, type RecordFailure, type RecordResult, type RecordShape } from './record.js';
import { parseReferenceRecord, referenceRecordEnd } from './reference.js';
import type { Diagnostic, Dialect, ParseOptions, Point, Precision, RecordError } from './types.js';

/** Receives what the engine finds, in input order. */
export interface ParseSink {
  point?(p: Point): void;
  error?(e: RecordError, d: Diagnostic): void;
  warning?(d: Diagnostic): void;
  /**
   * Called for every accepted record, after its warnings: the point when one was built (or built
   * again to unescape names), else the record's shape (valid only during the call; null when
   * warnings are off, unless the engine option `shapes` asks for them).
   */
  accepted?(text: string, point: Point | null, shape: RecordShape | null): void;
  /**
   * Called after each scan unit (a record, blank line or comment): text[start, end) with `end`
   * the terminating newline (or text.length), its first line and its newline count. Diagnostics
   * and the point of the unit were reported just before. Return true to stop the run there.
   */
  unit?(start: number, end: number, line: number, newlines: number): boolean | void;
}

/** Engine-internal options (the incremental validator runs cross-line checks separately). */
export interface EngineOptions extends ParseOptions {
  crossLine?: boolean;
  /** Memory bound (and a test hook for the hash) of the cross-line checks. */
  crossLineOptions?: CrossLineOptions;
  /**
   * Record shapes for `accepted` also with warnings off (InfluxDB dialects): a caller that builds
   * its points later, from the shapes, without parsing the text again (the endpoint).
   */
  shapes?: boolean;
}

export interface ParseStats {
  /** Physical lines seen. */
  lines: number;
  /** Records (non-blank, non-comment logical lines). */
  records: number;
  points: number;
  errors: number;
  warnings: number;
}

export interface ParseResult {
  stats: ParseStats;
  points: Point[];
  errors: RecordError[];
  /** Errors and warnings, in input order. */
  diagnostics: Diagnostic[];
}

/** Largest record kept in memory while streaming; longer ones are skipped with an error. */
export const MAX_RECORD_CHARS = 64 * 1024 * 1024;
/** Storage rejects longer string values (bytes). */
export const MAX_STRING_BYTES = 1024 * 1024;

const NEWLINE = 10;
const CR = 13;
const HASH = 35;

interface Resolved {
  dialect: Dialect;
  precision: Precision;
  defaultTime: string;
  crlfStrip: boolean;
  crlfRefusedBy?: string;
  warnings: boolean;
}

function resolve(opts: ParseOptions): Resolved {
  const dialect = opts.dialect ?? 'influxdb2';
  const precision = opts.precision ?? 'ns';
  const now = opts.now ?? nowNs();
  return {
    dialect,
    precision,
    defaultTime: truncateTime(now, opts.truncateTo ?? precision).toString(),
    crlfStrip: (opts.crlf ?? (dialect === 'reference' ? 'strip' : 'keep')) === 'strip',
    crlfRefusedBy: opts.crlfRefusedBy,
    warnings: opts.warnings ?? true,
  };
}

const PLAUSIBLE_FROM = Date.UTC(1980, 0, 1) * 1e6;
const PLAUSIBLE_TO = Date.UTC(2200, 0, 1) * 1e6;

/** The unit under which a timestamp token lands in 1980–2200, if it does not under `unit`. */
export function suggestPrecision(token: string, unit: Precision): Precision | undefined {
  const v = Number(token);
  const plausible = (q: Precision) => {
    const ns = v * Number(UNIT_NS[q]);
    return ns >= PLAUSIBLE_FROM && ns < PLAUSIBLE_TO;
  };
  if (plausible(unit)) return undefined;
  return PRECISIONS.find((q) => q !== unit && plausible(q));
}

/**
 * How many records the engine has parsed in this process (every dialect, every parser). A test
 * hook: the endpoint's tests read it around a request to prove a body is parsed once, not twice.
 */
export const recordParses = { count: 0 };

/** Streaming engine: push text chunks (any boundaries), then end(). */
export class LineProtocolParser {
  readonly stats: ParseStats = { lines: 0, records: 0, points: 0, errors: 0, warnings: 0 };
  private readonly o: Resolved;
  private readonly ctx: RecordContext;
  private line: number;
  private carry = '';
  /** The bytes of `carry` while everything seen is ASCII (then byte and string offsets agree). */
  private carryBytes: Uint8Array | null = new Uint8Array(0);
  /** Bytes of the text being run, when ASCII: the faster byte scanner is used. */
  private bytes: Uint8Array | null = null;
  /** While skipping an over-long record: the resumable record-end scanner state. */
  private skipping: SkipState | null = null;
  /** Checks across lines (type conflicts, overwrites); null when only per-line checks run. */
  private readonly cross: CrossLineChecks | null;
  /** The point shapeWarnings built for the current record (names with escapes), else null. */
  private rebuilt: Point | null = null;
  /** Layout of the last accepted record, when warnings are wanted (InfluxDB dialects). */
  private shape: RecordShape | null = null;
  private nextQuote = -1;
  private nextBackslash = -1;
  private text = '';
  private recordStart = 0;

  constructor(
    opts: ParseOptions,
    private readonly sink: ParseSink,
    /**
     * When false, records are validated without building points (faster). Warnings do not need
     * points: they are found from the record's shape (spans into the text).
     */
    private readonly build = true,
  ) {
    this.o = resolve(opts);
    const engine = opts as EngineOptions;
    this.cross = this.o.warnings && engine.crossLine !== false ? new CrossLineChecks(engine.crossLineOptions) : null;
    this.line = opts.firstLine ?? 1;
    const influx = this.o.dialect !== 'reference';
    this.ctx = {
      line: this.line,
      precision: this.o.precision,
      defaultTime: this.o.defaultTime,
      // The reference dialect reports no shape: its warnings are found on built points.
      build: build || (this.o.warnings && !influx),
      shape: (this.o.warnings || engine.shapes === true) && influx ? (this.shape = emptyShape()) : undefined,
      tsStart: -1,
      tsEnd: -1,
      warn: this.o.warnings ? (pos, end, code, message, hint) => this.warnAt(pos, end, code, message, hint) : undefined,
    };
  }

  /**
   * Feeds the next chunk. `bytes`, when given, are the chunk's UTF-8 bytes; for ASCII input they
   * let the engine scan bytes instead of characters (twice as fast).
   */
  push(chunk: string, bytes?: Uint8Array): void {
    let ascii = bytes !== undefined && bytes.length === chunk.length ? bytes : null;
    if (this.skipping !== null) {
      const at = this.skipping.scan(chunk);
      if (at < 0) {
        this.line += countNewlines(chunk, 0, chunk.length);
        return;
      }
      this.line += countNewlines(chunk, 0, at) + 1;
      this.skipping = null;
      chunk = chunk.slice(at + 1);
      if (ascii !== null) ascii = ascii.subarray(at + 1);
    }
    const text = this.carry.length > 0 ? this.carry + chunk : chunk;
    let textBytes: Uint8Array | null = null;
    if (ascii !== null && this.carryBytes !== null) {
      if (this.carryBytes.length === 0) textBytes = ascii;
      else {
        textBytes = new Uint8Array(this.carryBytes.length + ascii.length);
        textBytes.set(this.carryBytes);
        textBytes.set(ascii, this.carryBytes.length);
      }
    }
    const consumed = this.run(text, false, 0, undefined, textBytes ?? undefined);
    this.carry = consumed < text.length ? text.slice(consumed) : '';
    this.carryBytes = textBytes !== null ? textBytes.slice(consumed) : this.carry.length === 0 ? new Uint8Array(0) : null;
    if (this.carry.length > MAX_RECORD_CHARS) this.startSkipping();
  }

  end(): ParseStats {
    if (this.skipping !== null) {
      this.skipping = null;
    } else if (this.carry.length > 0) {
      const text = this.carry;
      const bytes = this.carryBytes ?? undefined;
      this.carry = '';
      this.carryBytes = new Uint8Array(0);
      this.run(text, true, 0, undefined, bytes);
    }
    // A final line without a newline still counts as a line.
    this.stats.lines = this.line - 1 + (this.pendingPartialLine ? 1 : 0);
    return this.stats;
  }

  private pendingPartialLine = false;
  /** The record being parsed ends with a \r that stays in it (crlf: keep). */
  private crKept = false;

  /**
   * Parses complete records of text from `from` (a record start; line numbering continues from
   * the parser's current line, or `line` when given); returns the offset of the first unconsumed
   * character.
   */
  run(text: string, final: boolean, from = 0, line?: number, bytes?: Uint8Array): number {
    const len = text.length;
    this.bytes = bytes !== undefined && bytes.length === len ? bytes : null;
    const dialect = this.o.dialect;
    const influx = dialect !== 'reference';
    this.text = text;
    this.nextQuote = -1;
    this.nextBackslash = -1;
    this.lc.record = -1;
    if (line !== undefined) this.line = line;
    let pos = from;
    while (pos < len) {
      // ---- where does this record end? ----
      let recEnd: number;
      let multiLine = false;
      if (influx) {
        const nl = text.indexOf('\n', pos);
        if (this.nextQuote < pos && this.nextQuote !== Infinity) {
          const q = text.indexOf('"', pos);
          this.nextQuote = q < 0 ? Infinity : q;
        }
        if (this.nextBackslash < pos && this.nextBackslash !== Infinity) {
          const b = text.indexOf('\\', pos);
          this.nextBackslash = b < 0 ? Infinity : b;
        }
        const limit = nl < 0 ? len : nl;
        if (limit < this.nextQuote && limit < this.nextBackslash) recEnd = limit;
        else {
          recEnd = influxRecordEnd(text, pos);
          multiLine = true;
        }
      } else {
        recEnd = referenceRecordEnd(text, pos);
        multiLine = true;
      }
      // Not final: a record ending in the last two characters waits for more text, because a
      // backslash there escapes the newline only when more text follows (InfluxDB's scanLine).
      if (!final && recEnd >= len - 2) break;

      const startLine = this.line;
      const newlines = multiLine ? countNewlines(text, pos, recEnd) : 0;
      let contentEnd = recEnd;
      // A record swallowed to the end of the text (unclosed quote) loses one final newline, as in InfluxDB.
      if (recEnd >= len && recEnd > pos && text.charCodeAt(recEnd - 1) === NEWLINE) contentEnd--;
      this.crKept = false;
      if (recEnd < len && recEnd > pos && text.charCodeAt(recEnd - 1) === CR) {
        this.crKept = !this.o.crlfStrip;
        if (this.o.crlfStrip) {
          contentEnd--;
          if (influx && this.o.warnings && this.o.crlfRefusedBy !== undefined) this.crlfElsewhere(text, pos, recEnd, startLine, newlines);
        } else if (influx && this.o.warnings) this.crlfWarning(text, pos, recEnd, startLine, newlines);
      }
      this.recordStart = pos;
      this.handleRecord(text, pos, contentEnd, startLine, influx);
      this.line = startLine + newlines + (recEnd < len ? 1 : 0);
      this.pendingPartialLine = recEnd >= len && recEnd > pos && text.charCodeAt(len - 1) !== NEWLINE;
      const stop = this.sink.unit?.(pos, recEnd, startLine, newlines);
      pos = recEnd + 1;
      if (stop === true) break;
    }
    return pos > len ? len : pos;
  }

  private handleRecord(text: string, pos: number, end: number, line: number, influx: boolean): void {
    const ctx = this.ctx;
    ctx.line = line;
    ctx.tsStart = -1;
    let result: RecordResult | null;
    let start = pos;
    if (influx) {
      start = skipInfluxWhitespace(text, pos, end);
      if (start >= end || text.charCodeAt(start) === HASH) return;
      recordParses.count++;
      const v1 = this.o.dialect === 'influxdb1';
      result = this.bytes !== null
        ? parseInfluxRecordBytes(text, this.bytes, start, end, ctx, v1)
        : parseInfluxRecord(text, start, end, ctx, v1);
    } else {
      result = parseReferenceRecord(text, pos, end, ctx);
      if (result === null) return;
      recordParses.count++;
    }
    this.stats.records++;
    if (isFailure(result)) {
      this.reportFailure(text, pos, start, end, line, result);
      return;
    }
    this.stats.points++;
    if (result === 1) {
      this.rebuilt = null;
      if (this.shape !== null && this.o.warnings) this.shapeWarnings(text, pos, start, end);
      this.sink.accepted?.(text, this.rebuilt, this.rebuilt === null ? this.shape : null);
      return;
    }
    if (this.o.warnings) this.pointWarnings(text, pos, start, end, result);
    if (this.build) this.sink.point?.(result);
    this.sink.accepted?.(text, result, null);
  }

  /** Position cursor within the current record, so many findings in one record cost O(record). */
  private lc = { record: -1, line: 0, lineStart: 0, nextNewline: 0 };

  private lineCol(pos: number): { line: number; column: number } {
    // Records start at the beginning of a physical line; count newlines inside the record.
    const text = this.text;
    const c = this.lc;
    if (c.record !== this.recordStart || pos < c.lineStart) {
      c.record = this.recordStart;
      c.line = this.ctx.line;
      c.lineStart = this.recordStart;
      c.nextNewline = text.indexOf('\n', c.lineStart);
    }
    while (c.nextNewline >= 0 && c.nextNewline < pos) {
      c.line++;
      c.lineStart = c.nextNewline + 1;
      c.nextNewline = text.indexOf('\n', c.lineStart);
    }
    return { line: c.line, column: pos - c.lineStart + 1 };
  }

  private range(pos: number, end: number): Pick<Diagnostic, 'line' | 'column' | 'endLine' | 'endColumn'> {
    const a = this.lineCol(pos);
    const b = this.lineCol(Math.max(end, pos + 1));
    return b.line === a.line
      ? { line: a.line, column: a.column, endColumn: b.column }
      : { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }

  private reportFailure(text: string, pos: number, start: number, end: number, line: number, f: RecordFailure): void {
    this.stats.errors++;
    const quoted = text.slice(start, end);
    const influx = this.o.dialect !== 'reference';
    const r = this.range(Math.min(f.pos, end), f.end ?? f.pos + 1);
    const message = influx ? `unable to parse '${quoted}': ${f.reason}` : `at line ${r.line}:${r.column}: ${f.reason}`;
    let detail = f.reason;
    let hint = hintFor(f.code);
    if (f.code === 'unbalanced-quotes') {
      const last = this.lineCol(end).line;
      const swallowed = last - r.line;
      if (swallowed > 0) {
        detail += `: the string opened here never closes, so InfluxDB reads the next ${swallowed === 1 ? 'line' : `${swallowed} lines`} into this record and rejects ${swallowed === 1 ? 'both' : 'them all'}`;
      }
    }
    if (f.code === 'time-out-of-range' && this.ctx.precision !== 'ns') {
      const token = text.slice(f.pos, f.end ?? end);
      const q = suggestPrecision(token, this.ctx.precision);
      if (q !== undefined) {
        hint = `With precision ${this.ctx.precision} this timestamp is out of range; it looks like ${PRECISION_LABELS[q]} — choose precision ${q}.`;
        this.warnAt(f.pos, f.end ?? end, 'precision-mismatch', `timestamp ${token} does not fit precision ${this.ctx.precision} (${PRECISION_LABELS[this.ctx.precision]}); it looks like ${PRECISION_LABELS[q]}`, `Choose precision ${q}.`, q);
      }
    }
    // The failing token is the one the kept \r ends: say so, or "bad timestamp" on a good-looking timestamp puzzles.
    if (this.crKept && influx && (f.end ?? f.pos + 1) >= end) detail += ': the line ends with \\r (CRLF), which InfluxDB keeps as part of the last value';
    const d: Diagnostic = { ...r, severity: 'error', code: f.code, message: detail };
    if (hint !== undefined) d.hint = hint;
    const e: RecordError = { line, column: r.column, reason: f.reason, text: quoted, message };
    if (r.line !== line) e.column = r.column;
    e.line = r.line;
    this.sink.error?.(e, d);
  }

  private warnAt(pos: number, end: number, code: string, message: string, hint?: string, precision?: Precision): void {
    this.stats.warnings++;
    const d: Diagnostic = { ...this.range(pos, end), severity: 'warning', code, message };
    if (hint !== undefined) d.hint = hint;
    if (precision !== undefined) d.precision = precision;
    this.sink.warning?.(d);
  }

  private crlfWarning(text: string, pos: number, recEnd: number, line: number, newlines: number): void {
    this.stats.warnings++;
    const col = recEnd - (newlines > 0 ? text.lastIndexOf('\n', recEnd - 1) + 1 : pos);
    this.sink.warning?.({
      line: line + newlines,
      column: col,
      endColumn: col + 1,
      severity: 'warning',
      code: 'crlf',
      message: 'line ends with a carriage return (Windows line ending); InfluxDB 1.x/2.x keeps the \\r as part of the last value',
      hint: 'Save the file with LF line endings, or use the quick fix to strip the \\r.',
    });
  }

  /**
   * A record this target accepts once its \r is stripped: what would the targets that keep the
   * \r do with it? Parsed again with the \r kept (only CR-ending records pay for this): most
   * lines are refused there; a line ending in a string is accepted with the \r swallowed into
   * the string (`v="s"\r` stores `s"`), so it is stored differently.
   */
  private crlfElsewhere(text: string, pos: number, recEnd: number, line: number, newlines: number): void {
    const start = skipInfluxWhitespace(text, pos, recEnd);
    const ctx: RecordContext = { line, precision: this.ctx.precision, defaultTime: this.ctx.defaultTime, build: false, tsStart: -1, tsEnd: -1 };
    recordParses.count++;
    const kept = start < recEnd && text.charCodeAt(start) === HASH ? null : parseInfluxRecord(text, start, recEnd, ctx, this.o.dialect === 'influxdb1');
    if (kept === null) return;
    this.stats.warnings++;
    const elsewhere = isFailure(kept)
      ? `accepted here, refused by ${this.o.crlfRefusedBy}, which keep the \\r as part of the last value (${kept.reason})`
      : `stored as written here; ${this.o.crlfRefusedBy} accept it but keep the \\r in the last string, so they would store a different value`;
    const col = recEnd - (newlines > 0 ? text.lastIndexOf('\n', recEnd - 1) + 1 : pos);
    this.sink.warning?.({
      line: line + newlines,
      column: col,
      endColumn: col + 1,
      severity: 'warning',
      code: 'crlf',
      message: `line ends with CRLF (Windows line ending): ${elsewhere}`,
      hint: 'Fine for this target. Before sending it elsewhere, save the file with LF line endings, or use the quick fix to strip the \\r.',
    });
  }

  /**
   * Warnings of an accepted record from its shape, without a point (the fast path). A record with
   * escapes (names to unescape) or a very long string is parsed again into a point instead.
   */
  private shapeWarnings(text: string, pos: number, start: number, end: number): void {
    const sh = this.shape!;
    if (!sh.escaped) {
      const spans = sh.fieldSpans;
      let long = false;
      for (let j = 0; j < sh.nFields && !long; j++) long = spans[j * 3 + 2] - spans[j * 3 + 1] > MAX_STRING_BYTES / 3;
      if (!long) {
        this.precisionWarning(text, sh.timestamped, sh.time);
        // In ns the timestamp token is the time: the checks read it from the bytes.
        const ctx = this.ctx;
        const ns = sh.timestamped && ctx.precision === 'ns' && ctx.tsStart >= 0;
        const found = this.cross?.checkRecord(text, this.bytes, sh, ctx.line, ns ? ctx.tsStart : -1, ns ? ctx.tsEnd : -1);
        if (found) {
          const lineEnd = firstLineEnd(text, start, end);
          for (const w of found) this.warnAt(start, lineEnd, w.code, w.message, w.hint);
        }
        return;
      }
    }
    const ctx = this.ctx;
    ctx.build = true;
    ctx.shape = undefined;
    const warn = ctx.warn;
    ctx.warn = undefined; // its warnings were reported by the first reading
    recordParses.count++;
    const p = this.bytes !== null
      ? parseInfluxRecordBytes(text, this.bytes, start, end, ctx, this.o.dialect === 'influxdb1')
      : parseInfluxRecord(text, start, end, ctx, this.o.dialect === 'influxdb1');
    ctx.build = this.build;
    ctx.shape = sh;
    ctx.warn = warn;
    if (typeof p === 'object' && !isFailure(p)) {
      this.rebuilt = p;
      this.pointWarnings(text, pos, start, end, p);
    }
  }

  /** Timestamp in the wrong unit: the "landed in 1970" and "year 2262" traps. */
  private precisionWarning(text: string, timestamped: boolean, time: string): void {
    const ctx = this.ctx;
    if (!timestamped || ctx.tsStart < 0) return;
    // In ns the time is the token: a plausible one needs no further look (no slice per point).
    if (ctx.precision === 'ns') {
      // From its length and first digit when in bytes: 19 digits from 1 to 6…, or 18 from 4…, lie
      // within 1980-2200 (3.2e17 to 7.3e18 ns); anything else is looked at as a number.
      const b = this.bytes;
      if (b !== null) {
        const n = ctx.tsEnd - ctx.tsStart;
        const d = b[ctx.tsStart];
        if ((n === 19 && d >= 49 && d <= 54) || (n === 18 && d >= 52 && d <= 57)) return;
      }
      const v = Number(time);
      if (v >= PLAUSIBLE_FROM && v < PLAUSIBLE_TO) return;
    }
    const token = text.slice(ctx.tsStart, ctx.tsEnd);
    const q = suggestPrecision(token, ctx.precision);
    if (q !== undefined) {
      this.warnAt(
        ctx.tsStart,
        ctx.tsEnd,
        'precision-mismatch',
        `timestamp ${token} in ${PRECISION_LABELS[ctx.precision]} is ${formatNs(time)}; it looks like ${PRECISION_LABELS[q]}`,
        `Choose precision ${q}, or write the timestamp in ${PRECISION_LABELS[ctx.precision]}.`,
        q,
      );
    }
  }

  private pointWarnings(text: string, pos: number, start: number, end: number, p: Point): void {
    const ctx = this.ctx;
    const lineEnd = Math.min(end, p.line === ctx.line ? firstLineEnd(text, start, end) : end);
    this.precisionWarning(text, p.timestamped, p.time);
    for (const f of p.fields) {
      if (f.type === 'string' && f.value.length > MAX_STRING_BYTES / 3 && utf8Length(f.value) > MAX_STRING_BYTES) {
        this.warnAt(start, lineEnd, 'string-too-long', `string field "${f.key}" is ${utf8Length(f.value)} bytes; InfluxDB storage rejects strings over ${MAX_STRING_BYTES} bytes`, 'Split the value or store it elsewhere.');
      }
    }
    const found = this.cross?.check(p);
    if (found) for (const w of found) this.warnAt(start, lineEnd, w.code, w.message, w.hint);
  }

  private startSkipping(): void {
    const carry = this.carry;
    this.stats.records++;
    this.stats.errors++;
    const line = this.line;
    const d: Diagnostic = {
      line,
      column: 1,
      endColumn: 2,
      severity: 'error',
      code: 'record-too-long',
      message: `record longer than ${MAX_RECORD_CHARS} characters (an unclosed quote?); skipped without validation`,
      hint: hintFor('record-too-long'),
    };
    const head = carry.slice(0, 200);
    this.sink.error?.({ line, column: 1, reason: 'record too long', text: head, message: `unable to parse '${head}…': record too long` }, d);
    this.skipping = new SkipState();
    const at = this.skipping.scan(carry);
    this.carry = '';
    this.line += countNewlines(carry, 0, at < 0 ? carry.length : at);
    if (at >= 0) {
      this.skipping = null;
      this.line++;
      this.push(carry.slice(at + 1));
    }
  }
}

/** InfluxDB's scanLine as a resumable state machine, for skipping a record across chunks. */
class SkipState {
  private quoted = false;
  private fields = false;
  private equals = 0;
  private commas = 0;
  private escape = false;
  /** Returns the index of the record-ending newline in chunk, or -1. */
  scan(chunk: string): number {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.escape) {
        this.escape = false;
        continue;
      }
      if (c === 92) {
        this.escape = true;
        continue;
      }
      if (c === 32) this.fields = true;
      if (this.fields) {
        if (!this.quoted && c === 61) this.equals++;
        else if (!this.quoted && c === 44) this.commas++;
        else if (c === 34 && this.equals > this.commas) this.quoted = !this.quoted;
      }
      if (c === NEWLINE && !this.quoted) return i;
    }
    return -1;
  }
}

function firstLineEnd(text: string, start: number, end: number): number {
  const nl = text.indexOf('\n', start);
  return nl < 0 || nl > end ? end : nl;
}

export function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const Encoder = (globalThis as { TextEncoder?: new () => { encode(s: string): Uint8Array } }).TextEncoder;

/**
 * The UTF-8 bytes of a large text when it is all ASCII (then the engine scans bytes, about twice
 * as fast as characters; encoding costs a few percent of that), else undefined.
 */
export function asciiBytes(text: string): Uint8Array | undefined {
  if (text.length < 65536 || Encoder === undefined) return undefined;
  const bytes = new Encoder().encode(text);
  return bytes.length === text.length ? bytes : undefined;
}

/** Parses a whole document: points, InfluxDB-style errors, and diagnostics. */
export function parse(text: string, opts: ParseOptions = {}): ParseResult {
  const points: Point[] = [];
  const errors: RecordError[] = [];
  const diagnostics: Diagnostic[] = [];
  const parser = new LineProtocolParser(opts, {
    point: (p) => points.push(p),
    error: (e, d) => {
      errors.push(e);
      diagnostics.push(d);
    },
    warning: (d) => diagnostics.push(d),
  });
  parser.run(text, true, 0, undefined, asciiBytes(text));
  const stats = parser.end();
  stats.lines = lineCount(text);
  return { stats, points, errors, diagnostics };
}

/** Validates a document without building points when no warnings are wanted (the fast path). */
export function validate(text: string, opts: ParseOptions = {}): { stats: ParseStats; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const parser = new LineProtocolParser(opts, { error: (_e, d) => diagnostics.push(d), warning: (d) => diagnostics.push(d) }, false);
  parser.run(text, true, 0, undefined, asciiBytes(text));
  const stats = parser.end();
  stats.lines = lineCount(text);
  return { stats, diagnostics };
}

/** Physical lines of a text (a final line without newline counts; an empty text has none). */
export function lineCount(text: string): number {
  if (text.length === 0) return 0;
  return countNewlines(text, 0, text.length) + (text.charCodeAt(text.length - 1) === NEWLINE ? 0 : 1);
}

/** InfluxDB's combined error text: every failure message joined with newlines. */
export function influxErrorText(errors: readonly RecordError[]): string {
  return errors.map((e) => e.message).join('\n');
}
