// Validation for the editor: after an edit only the records it touches are parsed again.
// The document is kept as a list of scan units (records, blank lines, comments), each with its
// own text, so an edit never copies the whole document: the units the edit touches are joined,
// edited and parsed again; if the last of them no longer ends where it did (an unclosed quote
// now swallows the lines after it), the window grows until the boundaries line up again.
// Per-line findings are immediate; findings that relate lines to each other (type conflicts,
// overwrites) are kept in an index that each edit updates with the contributions of the lines
// it replaced and parsed (crossline-index.ts), built on the first crossLineDiagnostics().
import { CrossLineIndex, type IndexedPoint } from './crossline-index.js';
import { skipInfluxWhitespace } from './influx.js';
import { FIELD_TYPES, valueType } from './crossline.js';
import { asciiBytes, LineProtocolParser, type EngineOptions } from './parse.js';
import type { RecordShape } from './record.js';
import type { Diagnostic, ParseOptions, Point } from './types.js';

export interface DocumentStats {
  lines: number;
  records: number;
  points: number;
  errors: number;
  warnings: number;
}

interface Units {
  texts: string[];
  lines: number[];
  newlines: number[];
  diags: (Diagnostic[] | null)[];
  points: (IndexedPoint | null)[];
  records: boolean[];
}

/**
 * What the cross-line checks need of a point. Its strings are slices of the parsed text, whose
 * parent the unit texts keep alive anyway.
 */
function summary(p: Point): IndexedPoint {
  const fields = new Array<{ key: string; type: Point['fields'][number]['type'] }>(p.fields.length);
  for (let j = 0; j < fields.length; j++) fields[j] = { key: p.fields[j].key, type: p.fields[j].type };
  return { measurement: p.measurement, series: p.series, time: p.time, timestamped: p.timestamped, line: p.line, fields, column: 1, endColumn: 2 };
}

/** Stands for an accepted record when warnings are off (no cross-line checks then). */
const NO_CHECKS: IndexedPoint = { measurement: '', series: '', time: '', timestamped: false, line: 0, fields: [], column: 1, endColumn: 2 };

type FieldList = IndexedPoint['fields'];

/** Shares one field list among consecutive records with the same field keys and types (the usual case). */
class FieldsCache {
  private last: FieldList = [];
  private lastMeasurement = '';

  /** The measurement name text[start, end), the same string as the record before when equal. */
  measurement(text: string, start: number, end: number): string {
    const m = this.lastMeasurement;
    let same = m.length === end - start;
    for (let i = 0; i < m.length && same; i++) same = m.charCodeAt(i) === text.charCodeAt(start + i);
    return same ? m : (this.lastMeasurement = text.slice(start, end));
  }

  get(text: string, sh: RecordShape, bytes?: Uint8Array): FieldList {
    const spans = sh.fieldSpans;
    const n = sh.nFields;
    const last = this.last;
    let same = last.length === n;
    for (let j = 0; j < n && same; j++) {
      const k0 = spans[j * 3];
      const eq = spans[j * 3 + 1];
      const f = last[j];
      if (f.key.length !== eq - k0 || f.type !== FIELD_TYPES[valueType(text, eq + 1, spans[j * 3 + 2])]) same = false;
      else if (bytes !== undefined) for (let i = 0; i < f.key.length && same; i++) same = f.key.charCodeAt(i) === bytes[k0 + i];
      else for (let i = 0; i < f.key.length && same; i++) same = f.key.charCodeAt(i) === text.charCodeAt(k0 + i);
    }
    if (same) return last;
    const fresh = new Array<FieldList[number]>(n);
    for (let j = 0; j < n; j++) {
      const eq = spans[j * 3 + 1];
      fresh[j] = { key: text.slice(spans[j * 3], eq), type: FIELD_TYPES[valueType(text, eq + 1, spans[j * 3 + 2])] };
    }
    return (this.last = fresh);
  }
}

/** Series keys of tags written out of order, by the key as written (built once per parse). */
type SortedKeys = Map<string, string>;

/**
 * The series key of a record as one string per distinct key, found from the key's bytes as written
 * (hashed and compared in place): no slice, no string hashing and no sorting per record, and the
 * cross-line index then meets the same string object again (its hash computed once).
 */
class SeriesKeys {
  private slots = new Int32Array(1024); // entry + 1; 0 is empty
  private hashes: number[] = [];
  private written: string[] = [];
  private keys: string[] = [];

  constructor(private readonly sorted: SortedKeys) {}

  get(text: string, bytes: Uint8Array, sh: RecordShape): string {
    const from = sh.start;
    const to = sh.keyEnd;
    let h = 0x811c9dc5;
    let i = from;
    for (; i + 4 <= to; i += 4) h = Math.imul(h ^ (bytes[i] ^ (bytes[i + 1] << 8) ^ (bytes[i + 2] << 16) ^ (bytes[i + 3] << 24)), 0x01000193);
    for (; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    h ^= h >>> 15;
    const mask = this.slots.length - 1;
    let s = h & mask;
    for (let v = this.slots[s]; v !== 0; s = (s + 1) & mask, v = this.slots[s]) {
      const e = v - 1;
      if (this.hashes[e] === h && this.same(this.written[e], bytes, from, to)) return this.keys[e];
    }
    const written = text.slice(from, to);
    const key = sh.sorted ? written : sortedKey(text, sh, written, this.sorted);
    const e = this.keys.length;
    this.hashes.push(h);
    this.written.push(written);
    this.keys.push(key);
    this.slots[s] = e + 1;
    if (this.keys.length * 2 > this.slots.length) {
      this.slots = new Int32Array(this.slots.length * 2);
      const m = this.slots.length - 1;
      for (let k = 0; k < this.keys.length; k++) {
        let t = this.hashes[k] & m;
        while (this.slots[t] !== 0) t = (t + 1) & m;
        this.slots[t] = k + 1;
      }
    }
    return key;
  }

  private same(written: string, bytes: Uint8Array, from: number, to: number): boolean {
    if (written.length !== to - from) return false;
    for (let i = from; i < to; i++) if (written.charCodeAt(i - from) !== bytes[i]) return false;
    return true;
  }
}

/** The series key of a record whose tags are written out of order (`written`, the key as written). */
function sortedKey(text: string, sh: RecordShape, written: string, sortedKeys: SortedKeys): string {
  const known = sortedKeys.get(written);
  if (known !== undefined) return known;
  let key = text.slice(sh.start, sh.measurementEnd);
  for (let t = 0; t < sh.nTags; t++) {
    const o = sh.tagOrder[t] * 3;
    key += text.slice(sh.tagSpans[o] - 1, sh.tagSpans[o + 2]);
  }
  sortedKeys.set(written, key);
  return key;
}

/** A summary read from a record's shape (names without escapes, so the raw text is the name). */
function shapeSummary(text: string, sh: RecordShape, fields: FieldsCache, sortedKeys: SortedKeys, bytes?: Uint8Array, seriesKeys?: SeriesKeys): IndexedPoint {
  let series: string;
  if (bytes !== undefined && seriesKeys !== undefined) series = seriesKeys.get(text, bytes, sh);
  else {
    const written = text.slice(sh.start, sh.keyEnd);
    series = sh.sorted ? written : sortedKey(text, sh, written, sortedKeys);
  }
  return {
    measurement: fields.measurement(text, sh.start, sh.measurementEnd),
    series,
    time: sh.time,
    timestamped: sh.timestamped,
    line: 0,
    fields: fields.get(text, sh, bytes),
    column: 1,
    endColumn: 2,
  };
}

export class IncrementalValidator {
  private u: Units = { texts: [], lines: [], newlines: [], diags: [], points: [], records: [] };
  /** Start offset of each unit, and the line each unit's diagnostics were computed for. */
  private starts: number[] = [];
  private diagLine: number[] = [];
  private length = 0;
  private readonly opts: EngineOptions;
  /** Units the last edit parsed again (the window it grew to): a few, unless a quote swallowed lines. */
  lastWindow = 0;
  /** Cross-line state, built on first use and then updated by each edit. */
  private index: CrossLineIndex | null = null;
  private readonly warnings: boolean;
  /** Kept across edits, so an edited line with the usual fields shares their list (one layout in the index). */
  private readonly fieldsCache = new FieldsCache();

  constructor(opts: ParseOptions = {}) {
    this.opts = { ...opts, crossLine: false };
    this.warnings = opts.warnings ?? true;
  }

  /** The whole document (joined on demand). */
  get text(): string {
    return this.u.texts.join('');
  }

  /** Replaces the whole document. */
  setText(text: string): void {
    this.index = null;
    this.u = this.parse(text, 1, true).units;
    this.diagLine = this.u.lines.slice();
    this.length = text.length;
    this.starts = new Array<number>(this.u.texts.length);
    let at = 0;
    for (let i = 0; i < this.u.texts.length; i++) {
      this.starts[i] = at;
      at += this.u.texts[i].length;
    }
  }

  /** Applies an edit: text[from, to) is replaced by `insert` (offsets in the current text). */
  applyEdit(from: number, to: number, insert: string): void {
    if (from < 0 || to < from || to > this.length) throw new RangeError(`edit ${from}-${to} outside 0-${this.length}`);
    const n = this.u.texts.length;
    if (n === 0) {
      this.setText(insert);
      return;
    }
    const a = Math.max(0, upperBound(this.starts, from) - 1);
    let k = Math.max(a, upperBound(this.starts, to) - 1);
    const delta = insert.length - (to - from);
    for (;;) {
      const last = k === n - 1;
      const joined = this.u.texts.slice(a, k + 1).join('');
      const local = joined.slice(0, from - this.starts[a]) + insert + joined.slice(to - this.starts[a]);
      const r = this.parse(local, this.u.lines[a], last);
      // A backslash just before the window's final newline escapes it in the full text (InfluxDB's
      // splitter only skips after a backslash when two more bytes follow), so look further.
      if ((!r.complete || local.charCodeAt(local.length - 2) === 92) && !last) {
        k = Math.min(n - 1, k + (k - a + 1)); // the edit runs past the window: grow it
        continue;
      }
      const index = this.index;
      if (index !== null) for (let i = a; i <= k; i++) if (this.u.points[i] !== null) index.remove(this.u.points[i]!);
      this.splice(a, k - a + 1, r.units, delta);
      if (index !== null) for (const p of r.units.points) if (p !== null) index.add(p);
      this.length += delta;
      this.lastWindow = k - a + 1;
      return;
    }
  }

  /** Per-line diagnostics (errors and warnings of each record), with current line numbers. */
  localDiagnostics(): Diagnostic[] {
    const out: Diagnostic[] = [];
    const diags = this.u.diags;
    for (let i = 0; i < diags.length; i++) if (diags[i] !== null) this.pushLocal(out, i);
    return out;
  }

  /** Unit i's own diagnostics, moved to its current line. */
  private pushLocal(out: Diagnostic[], i: number): void {
    const shift = this.u.lines[i] - this.diagLine[i];
    for (const d of this.u.diags[i]!) {
      if (shift === 0) out.push(d);
      else {
        const moved: Diagnostic = { ...d, line: d.line + shift };
        if (d.endLine !== undefined) moved.endLine = d.endLine + shift;
        out.push(moved);
      }
    }
  }

  /** Findings that relate lines to each other (type conflicts, overwrites), in line order. */
  crossLineDiagnostics(): Diagnostic[] {
    if (!this.warnings) return [];
    if (this.index === null) {
      const index = new CrossLineIndex();
      for (const p of this.u.points) if (p !== null) index.add(p);
      this.index = index;
    }
    return this.index.diagnostics();
  }

  /**
   * Everything, in the order a whole-document check reports it: record by record, a record's own
   * findings before those relating it to other lines.
   */
  diagnostics(): Diagnostic[] {
    const cross = this.crossLineDiagnostics();
    if (cross.length === 0) return this.localDiagnostics();
    const out: Diagnostic[] = [];
    const { diags, lines } = this.u;
    let c = 0;
    for (let i = 0; i < diags.length; i++) {
      if (diags[i] === null) continue;
      const line = lines[i];
      while (c < cross.length && cross[c].line < line) out.push(cross[c++]);
      this.pushLocal(out, i);
      while (c < cross.length && cross[c].line === line) out.push(cross[c++]);
    }
    while (c < cross.length) out.push(cross[c++]);
    return out;
  }

  stats(): DocumentStats {
    let records = 0;
    let points = 0;
    let errors = 0;
    let warnings = 0;
    let lines = 0;
    const u = this.u;
    for (let i = 0; i < u.texts.length; i++) {
      if (u.records[i]) records++;
      if (u.points[i] !== null) points++;
      lines += u.newlines[i];
      for (const d of u.diags[i] ?? []) {
        if (d.severity === 'error') errors++;
        else warnings++;
      }
    }
    const lastText = u.texts[u.texts.length - 1];
    if (lastText !== undefined && lastText.length > 0 && !lastText.endsWith('\n')) lines++;
    return { lines, records, points, errors, warnings };
  }

  /** Replaces units [at, at + count) by fresh ones and shifts the units after them. */
  private splice(at: number, count: number, fresh: Units, delta: number): void {
    const u = this.u;
    const after = at + count;
    const newlinesBefore = sum(u.newlines, at, after);
    const newlinesNow = sum(fresh.newlines, 0, fresh.newlines.length);
    const lineDelta = newlinesNow - newlinesBefore;
    for (let i = after; i < u.texts.length; i++) {
      this.starts[i] += delta;
      u.lines[i] += lineDelta;
    }
    // Points keep their current line (the cross-line index orders and reports by it).
    if (lineDelta !== 0) {
      for (let i = after; i < u.points.length; i++) {
        const p = u.points[i];
        if (p !== null) p.line += lineDelta;
      }
    }
    const freshStarts: number[] = [];
    let s = this.starts[at];
    for (const t of fresh.texts) {
      freshStarts.push(s);
      s += t.length;
    }
    this.starts = replace(this.starts, at, count, freshStarts);
    this.diagLine = replace(this.diagLine, at, count, fresh.lines.slice());
    u.texts = replace(u.texts, at, count, fresh.texts);
    u.lines = replace(u.lines, at, count, fresh.lines);
    u.newlines = replace(u.newlines, at, count, fresh.newlines);
    u.diags = replace(u.diags, at, count, fresh.diags);
    u.points = replace(u.points, at, count, fresh.points);
    u.records = replace(u.records, at, count, fresh.records);
  }

  /**
   * Parses text into units starting at `line`. When not final, a record left unterminated at the
   * end is not parsed and `complete` is false.
   */
  private parse(text: string, line: number, final: boolean): { units: Units; complete: boolean } {
    const units: Units = { texts: [], lines: [], newlines: [], diags: [], points: [], records: [] };
    const influx = this.opts.dialect !== 'reference';
    const crlfStrip = (this.opts.crlf ?? (influx ? 'keep' : 'strip')) === 'strip';
    let pendingDiags: Diagnostic[] | null = null;
    let pendingPoint: IndexedPoint | null = null;
    let pendingRecords = 0;
    let lastTerminated = false;
    const fields = this.fieldsCache;
    const sortedKeys: SortedKeys = new Map();
    const bytes = asciiBytes(text);
    const seriesKeys = bytes !== undefined ? new SeriesKeys(sortedKeys) : undefined;
    const parser = new LineProtocolParser(
      this.opts,
      {
      accepted: (t, p, shape) => {
        pendingPoint = p !== null ? summary(p) : shape !== null ? shapeSummary(t, shape, fields, sortedKeys, bytes, seriesKeys) : NO_CHECKS;
      },
      error: (_e, d) => {
        (pendingDiags ??= []).push(d);
      },
      warning: (d) => {
        (pendingDiags ??= []).push(d);
      },
      unit: (start, end, unitLine, newlines) => {
        const terminated = end < text.length;
        lastTerminated = terminated;
        units.texts.push(text.slice(start, terminated ? end + 1 : end));
        if (pendingPoint !== null && pendingPoint !== NO_CHECKS) {
          pendingPoint.line = unitLine;
          // Where a whole-document check underlines a cross-line warning: from the first
          // non-blank character to the end of the record's first line (without a stripped \r).
          const s0 = influx ? skipInfluxWhitespace(text, start, end) : start;
          let le = text.indexOf('\n', s0);
          if (le < 0 || le > end) le = end;
          if (le === end && crlfStrip && end < text.length && end > start && text.charCodeAt(end - 1) === 13) le--;
          pendingPoint.column = s0 - start + 1;
          pendingPoint.endColumn = Math.max(le, s0 + 1) - start + 1;
        }
        units.lines.push(unitLine);
        units.newlines.push(newlines + (terminated ? 1 : 0));
        units.diags.push(pendingDiags);
        units.points.push(pendingPoint);
        units.records.push(parser.stats.records > pendingRecords);
        pendingRecords = parser.stats.records;
        pendingDiags = null;
        pendingPoint = null;
      },
      },
      false, // no points: summaries come from record shapes
    );
    // A window that ends with a newline (not escaped by a backslash before it) ends where a unit of
    // the whole text ends, so its last record is parsed now: waiting for more text (the streaming
    // rule for a record in the last two characters) would grow every window to the end of the
    // document. It is complete when its last unit ended at a newline inside it (an unclosed quote
    // that swallows the rest is not).
    const cleanEnd = text.charCodeAt(text.length - 1) === 10 && text.charCodeAt(text.length - 2) !== 92;
    const consumed = parser.run(text, final || cleanEnd, 0, line, bytes);
    return { units, complete: final ? consumed >= text.length : cleanEnd ? lastTerminated : consumed >= text.length };
  }
}

function sum(a: readonly number[], from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i];
  return s;
}

/** Replaces arr[at, at + count) by items (in place when small; spreading huge arrays overflows the stack). */
function replace<T>(arr: T[], at: number, count: number, items: T[]): T[] {
  if (items.length < 1000) {
    arr.splice(at, count, ...items);
    return arr;
  }
  return arr.slice(0, at).concat(items, arr.slice(at + count));
}

/** Index of the first element > x in a sorted array. */
function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
