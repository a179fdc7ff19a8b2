// Quick fixes, offered only where the fix is certain. Pure: a diagnostic and its line's text in,
// named edits (offsets on that line) out. "Certain" is checked, not guessed: a candidate edit is
// offered only when the engine, run on the fixed line, finds fewer errors and none left at or
// before the edit (so `my cpu,host=a v=1` gets "Escape the space" after `my`, not quotes around `a`).
// A fix that claims an outcome ("make host=a a tag", "set precision to ms") is offered only when
// the engine, run on the fixed line, shows exactly that outcome. The likely intent comes first.
import { parse, validate } from '../../lineprotocol/parse.js';
import { PRECISIONS } from '../../lineprotocol/precision.js';
import { targetParseOptions, targetProfile, type TargetKind } from '../../lineprotocol/target.js';
import type { Diagnostic, Dialect, ParseOptions, Precision } from '../../lineprotocol/types.js';

/** An edit of the line. */
export interface TextFix {
  name: string;
  /** 0-based offsets within the line. */
  from: number;
  to: number;
  insert: string;
}

/** A change of the composer's precision control (the text stays as it is). */
export interface PrecisionFix {
  name: string;
  setPrecision: Precision;
}

export type QuickFix = TextFix | PrecisionFix;

export const isTextFix = (f: QuickFix): f is TextFix => !('setPrecision' in f);

export interface FixOptions {
  /** The selected target: its rules check the fixed line (and bound the precisions offered). */
  target?: TargetKind;
  /** Without a target: the dialect alone (InfluxDB's rules). */
  dialect?: Dialect;
  precision?: Precision;
}

function engineOptions(opts: FixOptions, precision = opts.precision ?? 'ns'): ParseOptions {
  return opts.target !== undefined ? targetParseOptions(opts.target, precision) : { dialect: opts.dialect, precision };
}

/** Lines longer than this get no quick fixes (re-validating them is not worth it). */
const MAX_LINE = 4096;
/** How many spaces before the error are tried as the one to escape, nearest first. */
const MAX_SPACE_CANDIDATES = 4;

const SPACE_CODES = new Set(['invalid-field-format', 'missing-fields', 'invalid-boolean', 'invalid-number', 'bad-timestamp', 'missing-field-value', 'point-is-invalid',
  'missing-tag-value', 'missing-tag-key', 'invalid-tag-format']);

function errorsOf(line: string, opts: FixOptions): Diagnostic[] {
  return validate(line, { ...engineOptions(opts), warnings: false }).diagnostics.filter((d) => d.severity === 'error');
}

/** The fix really fixes: fewer errors, and whatever is left starts after the edited text. */
function certain(line: string, f: TextFix, before: number, opts: FixOptions): boolean {
  const fixed = line.slice(0, f.from) + f.insert + line.slice(f.to);
  const after = errorsOf(fixed, opts);
  if (after.length === 0) return true;
  const editEnd = f.from + f.insert.length; // 0-based, in the fixed line
  return after.length < before && after.every((d) => d.line > 1 || d.column - 1 >= editEnd);
}

/** Unescaped spaces before `end` (0-based), nearest first. */
function spacesBefore(line: string, end: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(end, line.length); i++) {
    const c = line[i];
    if (c === '\\') i++;
    else if (c === ' ') out.push(i);
  }
  // A run of spaces is one separator: escaping only its last space is never the fix.
  return out.filter((i) => line[i - 1] !== ' ' && line[i + 1] !== ' ').reverse();
}

/** Unescaped spaces outside quoted strings (the separators of the line's sections), in order. */
function separators(line: string): number[] {
  const out: number[] = [];
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') i++;
    else if (c === '"' && out.length > 0) quoted = !quoted;
    else if (c === ' ' && !quoted && line[i - 1] !== ' ') out.push(i);
  }
  return out;
}

/** `key=value` pairs, unescaped, no quotes: what a tag set looks like. */
const TAG_PAIRS = /^[^\s=,"\\]+=[^\s=,"\\]+(,[^\s=,"\\]+=[^\s=,"\\]+)*$/;

/**
 * `disk host=a free=1`: the section after the measurement looks like tags and another section
 * follows, so a missing comma is the likely mistake. Offered when the fixed line parses with no
 * error into a point whose tags hold exactly those pairs.
 */
function commaFix(line: string, opts: FixOptions): TextFix | undefined {
  const seps = separators(line);
  if (seps.length < 2) return undefined;
  const segment = line.slice(seps[0] + 1, seps[1]);
  if (!TAG_PAIRS.test(segment)) return undefined;
  const f: TextFix = { name: `Insert a comma: make ${segment} ${segment.includes(',') ? 'tags' : 'a tag'}`, from: seps[0], to: seps[0] + 1, insert: ',' };
  const fixed = line.slice(0, f.from) + f.insert + line.slice(f.to);
  const r = parse(fixed, { ...engineOptions(opts), warnings: false, now: 0n });
  if (r.errors.length > 0 || r.points.length !== 1) return undefined;
  const tags = r.points[0].tags;
  const wanted = segment.split(',').map((p) => p.split('='));
  return wanted.every(([k, v]) => tags.some((t) => t.key === k && t.value === v)) ? f : undefined;
}

/**
 * "Looks like milliseconds": set the precision to that unit, when the target takes it and the
 * line, checked again with it, has no error and no precision warning left.
 */
function precisionFix(d: Diagnostic, line: string, opts: FixOptions): PrecisionFix | undefined {
  const q = d.precision;
  if (q === undefined || q === opts.precision) return undefined;
  const allowed = opts.target !== undefined ? targetProfile(opts.target).precisions : PRECISIONS;
  if (!allowed.includes(q) || line.length > MAX_LINE) return undefined;
  const after = validate(line, engineOptions(opts, q)).diagnostics;
  if (after.some((x) => x.severity === 'error' || x.code === 'precision-mismatch')) return undefined;
  return { name: `Set precision to ${q}`, setPrecision: q };
}

export function quickFixes(d: Diagnostic, lineText: string, opts: FixOptions = {}): QuickFix[] {
  if (d.severity === 'warning') {
    if (d.code === 'precision-mismatch') {
      const f = precisionFix(d, lineText, opts);
      return f === undefined ? [] : [f];
    }
    if (d.code !== 'crlf') return [];
    const cr = lineText.lastIndexOf('\r');
    return cr < 0 ? [] : [{ name: 'Strip CR', from: cr, to: cr + 1, insert: '' }];
  }
  if (lineText.length > MAX_LINE || (d.endLine !== undefined && d.endLine !== d.line)) return [];
  const at = d.column - 1;
  const before = errorsOf(lineText, opts).length;
  if (before === 0) return []; // the error needs more than this line (a string across lines)
  const fixes: QuickFix[] = [];

  // A missing comma between the measurement and its tags: the likely intent, so it comes first.
  if (SPACE_CODES.has(d.code)) {
    const comma = commaFix(lineText, opts);
    if (comma !== undefined) fixes.push(comma);
  }

  // A space inside the measurement or a tag ended the tag set early: escape it.
  if (SPACE_CODES.has(d.code)) {
    // Spaces before the flagged text first (nearest first), then one inside it (`cpu,ho st=a`).
    const inside = spacesBefore(lineText, d.endColumn).filter((i) => i >= at);
    for (const s of [...spacesBefore(lineText, at).slice(0, MAX_SPACE_CANDIDATES), ...inside.slice(-1)]) {
      const f = { name: 'Escape the space', from: s, to: s + 1, insert: '\\ ' };
      if (certain(lineText, f, before, opts)) {
        fixes.push(f);
        break;
      }
    }
  }

  // A bare word as a field value: the user meant a string.
  if (d.code === 'invalid-boolean' && !fixes.some((f) => isTextFix(f) && f.name.startsWith('Escape'))) {
    const word = lineText.slice(at, d.endColumn - 1);
    const f = { name: 'Wrap in quotes', from: at, to: d.endColumn - 1, insert: `"${word}"` };
    if (/^[^\s",=\\]+$/.test(word) && certain(lineText, f, before, opts)) fixes.push(f);
  }
  return fixes;
}

/** Remembers the fixes of recent (diagnostic, line) pairs: the editor re-publishes often. */
export class QuickFixCache {
  private map = new Map<string, QuickFix[]>();
  constructor(private readonly max = 5000) {}

  get(d: Diagnostic, lineText: string, opts: FixOptions): QuickFix[] {
    if (d.severity === 'warning' && d.code !== 'crlf' && d.code !== 'precision-mismatch') return [];
    const key = `${opts.target}|${opts.dialect}|${opts.precision}|${d.precision}|${d.code}|${d.column}|${d.endColumn}|${lineText}`;
    let fixes = this.map.get(key);
    if (fixes === undefined) {
      fixes = quickFixes(d, lineText, opts);
      if (this.map.size >= this.max) this.map.clear();
      this.map.set(key, fixes);
    }
    return fixes;
  }
}
