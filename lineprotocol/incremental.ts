// Validation for the editor: after an edit only the records it touches are parsed again.
// The document is kept as a list of scan units (records, blank lines, comments). An edit
// re-parses from the unit containing it until a unit boundary lines up with an old boundary
// again — a record that an unclosed quote now swallows simply keeps the re-parse going — and
// the rest of the document is reused with shifted offsets and line numbers.
// Per-line findings are immediate; findings that relate lines to each other (type conflicts,
// overwrites) are computed over the stored points on demand (crossLineDiagnostics).
import { CrossLineChecks } from './crossline.js';
import { lineCount, LineProtocolParser, type EngineOptions } from './parse.js';
import type { Diagnostic, ParseOptions, Point } from './types.js';

export interface DocumentStats {
  lines: number;
  records: number;
  points: number;
  errors: number;
  warnings: number;
}

export class IncrementalValidator {
  private doc = '';
  /** Per unit: start offset, end offset (its newline, or the text length), first line. */
  private starts: number[] = [];
  private ends: number[] = [];
  private lines: number[] = [];
  /** Per unit: diagnostics as reported, and the line the unit was on when they were. */
  private diags: (Diagnostic[] | null)[] = [];
  private diagLine: number[] = [];
  private points: (Point | null)[] = [];
  private records: boolean[] = [];
  private readonly opts: EngineOptions;

  constructor(opts: ParseOptions = {}) {
    this.opts = { ...opts, crossLine: false };
  }

  get text(): string {
    return this.doc;
  }

  /** Replaces the whole document. */
  setText(text: string): void {
    this.doc = text;
    const fresh = this.parseFrom(text, 0, 1, () => false);
    this.starts = fresh.starts;
    this.ends = fresh.ends;
    this.lines = fresh.lines;
    this.diags = fresh.diags;
    this.diagLine = fresh.lines.slice();
    this.points = fresh.points;
    this.records = fresh.records;
  }

  /** Applies an edit: text[from, to) is replaced by `insert` (offsets in the current text). */
  applyEdit(from: number, to: number, insert: string): void {
    const old = this.doc;
    if (from < 0 || to < from || to > old.length) throw new RangeError(`edit ${from}-${to} outside 0-${old.length}`);
    const text = old.slice(0, from) + insert + old.slice(to);
    const delta = insert.length - (to - from);
    this.doc = text;
    const n = this.starts.length;
    if (n === 0) {
      this.setText(text);
      return;
    }
    // First unit that can change: the last one starting at or before the edit.
    const a = Math.max(0, upperBound(this.starts, from) - 1);
    const editEnd = from + insert.length;
    let resync = n; // index of the first old unit kept after the re-parsed ones
    const fresh = this.parseFrom(text, this.starts[a], this.lines[a], (nextStart) => {
      if (nextStart <= editEnd) return false;
      const b = lowerBound(this.starts, nextStart - delta);
      if (b < n && this.starts[b] === nextStart - delta && this.starts[b] >= to) {
        resync = b;
        return true;
      }
      return false;
    });
    const kept = n - resync;
    const lineDelta =
      kept > 0 ? (fresh.nextLine ?? this.lines[resync]) - this.lines[resync] : 0;
    for (let u = resync; u < n; u++) {
      this.starts[u] += delta;
      this.ends[u] += delta;
      this.lines[u] += lineDelta;
    }
    const removed = resync - a;
    this.starts = replace(this.starts, a, removed, fresh.starts);
    this.ends = replace(this.ends, a, removed, fresh.ends);
    this.lines = replace(this.lines, a, removed, fresh.lines);
    this.diags = replace(this.diags, a, removed, fresh.diags);
    this.diagLine = replace(this.diagLine, a, removed, fresh.lines);
    this.points = replace(this.points, a, removed, fresh.points);
    this.records = replace(this.records, a, removed, fresh.records);
  }

  /** Per-line diagnostics (errors and warnings of each record), with current line numbers. */
  localDiagnostics(): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (let u = 0; u < this.diags.length; u++) {
      const ds = this.diags[u];
      if (ds === null) continue;
      const shift = this.lines[u] - this.diagLine[u];
      for (const d of ds) {
        if (shift === 0) out.push(d);
        else {
          const moved: Diagnostic = { ...d, line: d.line + shift };
          if (d.endLine !== undefined) moved.endLine = d.endLine + shift;
          out.push(moved);
        }
      }
    }
    return out;
  }

  /** Findings that relate lines to each other, recomputed over the stored points. */
  crossLineDiagnostics(): Diagnostic[] {
    const checks = new CrossLineChecks();
    const out: Diagnostic[] = [];
    for (let u = 0; u < this.points.length; u++) {
      const p = this.points[u];
      if (p === null) continue;
      p.line = this.lines[u];
      const found = checks.check(p);
      if (found === null) continue;
      const start = this.starts[u];
      const nl = this.doc.indexOf('\n', start);
      const firstLineEnd = nl < 0 || nl > this.ends[u] ? this.ends[u] : nl;
      for (const f of found) {
        out.push({
          line: p.line,
          column: 1,
          endColumn: Math.max(2, firstLineEnd - start + 1),
          severity: 'warning',
          code: f.code,
          message: f.message,
          hint: f.hint,
        });
      }
    }
    return out;
  }

  /** Everything, ordered by position. */
  diagnostics(): Diagnostic[] {
    return [...this.localDiagnostics(), ...this.crossLineDiagnostics()].sort(
      (x, y) => x.line - y.line || x.column - y.column,
    );
  }

  stats(): DocumentStats {
    let records = 0;
    let points = 0;
    let errors = 0;
    let warnings = 0;
    for (let u = 0; u < this.records.length; u++) {
      if (this.records[u]) records++;
      if (this.points[u] !== null) points++;
      for (const d of this.diags[u] ?? []) {
        if (d.severity === 'error') errors++;
        else warnings++;
      }
    }
    return { lines: lineCount(this.doc), records, points, errors, warnings };
  }

  /** The points of the document, in order (for sending). */
  allPoints(): Point[] {
    const out: Point[] = [];
    for (let u = 0; u < this.points.length; u++) {
      const p = this.points[u];
      if (p !== null) {
        p.line = this.lines[u];
        out.push(p);
      }
    }
    return out;
  }

  private parseFrom(text: string, from: number, line: number, stopAt: (nextStart: number) => boolean) {
    const starts: number[] = [];
    const ends: number[] = [];
    const lines: number[] = [];
    const diags: (Diagnostic[] | null)[] = [];
    const points: (Point | null)[] = [];
    const records: boolean[] = [];
    let pendingDiags: Diagnostic[] | null = null;
    let pendingPoint: Point | null = null;
    let pendingRecord = 0;
    let nextLine: number | undefined;
    const parser = new LineProtocolParser(this.opts, {
      point: (p) => {
        pendingPoint = p;
      },
      error: (_e, d) => {
        (pendingDiags ??= []).push(d);
      },
      warning: (d) => {
        (pendingDiags ??= []).push(d);
      },
      unit: (start, end, unitLine, newlines) => {
        starts.push(start);
        ends.push(end);
        lines.push(unitLine);
        diags.push(pendingDiags);
        points.push(pendingPoint);
        records.push(parser.stats.records > pendingRecord);
        pendingRecord = parser.stats.records;
        pendingDiags = null;
        pendingPoint = null;
        if (end >= text.length) return true;
        nextLine = unitLine + newlines + 1;
        return stopAt(end + 1);
      },
    });
    parser.run(text, true, from, line);
    return { starts, ends, lines, diags, points, records, nextLine };
  }
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

/** Index of the first element >= x in a sorted array. */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
