// What the lint worker does with the editor's messages, without the worker around it (so a unit
// test drives it): the engine's IncrementalValidator follows the editor's edits, and a big text (the
// first check of an opened, pasted or dropped document) is checked in slices of lines. After each
// slice the results so far go out (diagnostics, counts, the share checked), and the worker yields,
// so a newer edit is taken in before the next slice: an edit of the part already checked is applied
// to it, an edit of the rest changes what is still to check, and a new text restarts the run.
// The checks that relate lines to each other (type conflicts, duplicates) follow when typing pauses.
import { IncrementalValidator } from '../../lineprotocol/incremental.js';
import { checkedAsInfluxdb3, targetParseOptions } from '../../lineprotocol/target.js';
import { checkInfluxdb3 } from '../../lineprotocol/influxdb3-dialect.js';
import type { Diagnostic } from '../../lineprotocol/types.js';
import { MAX_SHOWN, type DiagnosticsPatch, type FromWorker, type LintOptions, type ToWorker } from './protocol.js';

/** Lines checked before the first results go out, and in each slice after it. */
export const FIRST_SLICE_LINES = 5_000;
export const SLICE_LINES = 10_000;

/** What the worker does next: check another slice now, or the cross-line checks once typing pauses. */
export type Next = 'slice' | 'cross-line' | 'idle';

const now = () => performance.now();

/** Offset just past the n-th newline of `s` from `from`, or -1 when it has fewer. */
function afterNewlines(s: string, n: number, from = 0): number {
  let at = from;
  for (let i = 0; i < n; i++) {
    const nl = s.indexOf('\n', at);
    if (nl < 0) return -1;
    at = nl + 1;
  }
  return at;
}

export class LintSession {
  private validator: IncrementalValidator | null = null;
  private options: LintOptions = { target: 'endpoint', precision: 'ns' };
  private pending: ToWorker[] = [];
  private version = 0;
  /** Length of the text the validator holds (checked); `rest` follows it, not checked yet. */
  private checked = 0;
  private rest = '';
  /** Diagnostics last sent: a keystroke's answer carries only what changed in them. */
  private sent: Diagnostic[] | null = null;

  constructor(
    private readonly post: (m: FromWorker) => void,
    private readonly slices = { first: FIRST_SLICE_LINES, next: SLICE_LINES },
  ) {}

  receive(m: ToWorker): void {
    this.pending.push(m);
  }

  /** True while part of the text is not checked yet. */
  get checking(): boolean {
    return this.rest.length > 0;
  }

  /** Takes in every message received, checks one slice (or the edit), posts the results; says what comes next. */
  step(): Next {
    const t0 = now();
    const batch = this.pending;
    this.pending = [];
    for (const m of batch) {
      this.version = m.version;
      if (m.type === 'set') {
        this.options = m.options;
        this.restart(m.text);
      } else if (m.type === 'options') {
        this.options = m.options;
        this.restart(this.text());
      } else {
        for (const c of m.changes) this.edit(c.from, c.to, c.insert);
      }
    }
    if (this.validator === null) this.restart('');
    if (this.rest.length > 0) this.checkSlice();
    this.send(t0, [], false);
    return this.rest.length > 0 ? 'slice' : 'cross-line';
  }

  /** The cross-line checks over the whole text; nothing (false) when an edit came in since or a slice is left. */
  crossLine(): boolean {
    if (this.validator === null || this.pending.length > 0 || this.rest.length > 0) return false;
    const t0 = now();
    this.send(t0, this.validator.crossLineDiagnostics(), true);
    return true;
  }

  private text(): string {
    return (this.validator?.text ?? '') + this.rest;
  }

  private restart(text: string): void {
    this.validator = new IncrementalValidator(targetParseOptions(this.options.target, this.options.precision));
    this.checked = 0;
    this.rest = text;
    this.sent = null;
  }

  /** text[from, to) becomes `insert` (offsets in the whole text, checked part and rest). */
  private edit(from: number, to: number, insert: string): void {
    const v = this.validator;
    // A big insert (a paste, a dropped file, the whole text replaced) is checked in slices: the
    // checked part ends where it starts.
    const big = afterNewlines(insert, this.slices.first) >= 0;
    if (v === null || (big && from === 0 && to === this.checked + this.rest.length)) return this.restart(insert);
    const c = this.checked;
    if (from >= c) {
      this.rest = this.rest.slice(0, from - c) + insert + this.rest.slice(to - c);
    } else if (to <= c && !big) {
      v.applyEdit(from, to, insert);
      this.checked += insert.length - (to - from);
    } else {
      // From `from` on, the text is checked again (appending re-parses the last record, so the
      // cut may fall inside a line).
      const tail = to <= c ? v.text.slice(to) + this.rest : this.rest.slice(to - c);
      v.applyEdit(from, c, '');
      this.checked = from;
      this.rest = insert + tail;
    }
  }

  /** Moves the next slice of lines from `rest` into the validator. */
  private checkSlice(): void {
    const lines = this.checked === 0 ? this.slices.first : this.slices.next;
    let cut = afterNewlines(this.rest, lines);
    // A cut right after an escaped newline would split a record InfluxDB keeps whole: take a line more.
    while (cut > 1 && this.rest.charCodeAt(cut - 2) === 92) cut = afterNewlines(this.rest, 1, cut);
    if (cut < 0) cut = this.rest.length;
    const slice = this.rest.slice(0, cut);
    this.rest = this.rest.slice(cut);
    if (this.checked === 0) this.validator!.setText(slice);
    else this.validator!.applyEdit(this.checked, this.checked, slice);
    this.checked += slice.length;
  }

  /** The checked part of the text as InfluxDB 3 takes it (precision auto unless a unit is chosen). */
  private influxdb3(): { diagnostics: Diagnostic[]; stats: { lines: number; records: number; points: number; errors: number; warnings: number } } {
    const diagnostics: Diagnostic[] = [];
    const sink = { error: (_e: unknown, d: Diagnostic) => diagnostics.push(d), warning: (d: Diagnostic) => diagnostics.push(d) };
    const stats = checkInfluxdb3(this.validator!.text, { precision: this.options.autoPrecision === true ? 'auto' : this.options.precision === 'm' || this.options.precision === 'h' ? 'ns' : this.options.precision }, sink);
    return { diagnostics, stats };
  }

  private send(t0: number, cross: Diagnostic[], complete: boolean): void {
    const v = this.validator!;
    // InfluxDB 3 targets: its own parser and schema rules over the whole text (not incremental).
    const v3 = checkedAsInfluxdb3(this.options.target) ? this.influxdb3() : null;
    if (v3 !== null) cross = [];
    const local = v3 !== null ? v3.diagnostics : v.localDiagnostics();
    const all = cross.length === 0 ? local : [...local, ...cross].sort((x, y) => x.line - y.line || x.column - y.column);
    const shown = all.length > MAX_SHOWN ? all.slice(0, MAX_SHOWN) : all;
    const stats = v3 !== null ? { ...v.stats(), ...v3.stats } : v.stats();
    stats.warnings += cross.length;
    const diagnostics = this.sent === null ? shown : patch(this.sent, shown);
    this.sent = shown;
    const total = this.checked + this.rest.length;
    this.post({
      version: this.version,
      stats,
      diagnostics,
      ms: now() - t0,
      complete,
      progress: total === 0 ? 1 : this.checked / total,
    });
  }
}

function sameDiagnostic(a: Diagnostic, b: Diagnostic): boolean {
  return (
    a === b ||
    (a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn && a.code === b.code && a.severity === b.severity && a.message === b.message && a.hint === b.hint)
  );
}

/** What changed from `a` to `b`: null when nothing did, else the run between their common start and end. */
function patch(a: Diagnostic[], b: Diagnostic[]): DiagnosticsPatch | null {
  let start = 0;
  const common = Math.min(a.length, b.length);
  while (start < common && sameDiagnostic(a[start], b[start])) start++;
  if (start === a.length && start === b.length) return null;
  let end = 0;
  while (end < common - start && sameDiagnostic(a[a.length - 1 - end], b[b.length - 1 - end])) end++;
  return { at: start, remove: a.length - start - end, insert: b.slice(start, b.length - end) };
}
