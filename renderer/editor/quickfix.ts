// Quick fixes, offered only where the fix is certain. Pure: a diagnostic and its line's text in,
// named edits (offsets on that line) out. "Certain" is checked, not guessed: a candidate edit is
// offered only when the engine, run on the fixed line, finds fewer errors and none left at or
// before the edit (so `my cpu,host=a v=1` gets "Escape the space" after `my`, not quotes around `a`).
import { validate } from '../../lineprotocol/parse.js';
import type { Diagnostic, Dialect, Precision } from '../../lineprotocol/types.js';

export interface QuickFix {
  name: string;
  /** 0-based offsets within the line. */
  from: number;
  to: number;
  insert: string;
}

export interface FixOptions {
  dialect?: Dialect;
  precision?: Precision;
}

/** Lines longer than this get no quick fixes (re-validating them is not worth it). */
const MAX_LINE = 4096;
/** How many spaces before the error are tried as the one to escape, nearest first. */
const MAX_SPACE_CANDIDATES = 4;

const SPACE_CODES = new Set(['invalid-field-format', 'missing-fields', 'invalid-boolean', 'invalid-number', 'bad-timestamp', 'missing-field-value', 'point-is-invalid',
  'missing-tag-value', 'missing-tag-key', 'invalid-tag-format']);

function errorsOf(line: string, opts: FixOptions): Diagnostic[] {
  return validate(line, { dialect: opts.dialect, precision: opts.precision, warnings: false }).diagnostics.filter((d) => d.severity === 'error');
}

/** The fix really fixes: fewer errors, and whatever is left starts after the edited text. */
function certain(line: string, f: QuickFix, before: number, opts: FixOptions): boolean {
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

export function quickFixes(d: Diagnostic, lineText: string, opts: FixOptions = {}): QuickFix[] {
  if (d.severity === 'warning') {
    if (d.code !== 'crlf') return [];
    const cr = lineText.lastIndexOf('\r');
    return cr < 0 ? [] : [{ name: 'Strip CR', from: cr, to: cr + 1, insert: '' }];
  }
  if (lineText.length > MAX_LINE || (d.endLine !== undefined && d.endLine !== d.line)) return [];
  const at = d.column - 1;
  const before = errorsOf(lineText, opts).length;
  if (before === 0) return []; // the error needs more than this line (a string across lines)
  const fixes: QuickFix[] = [];

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
  if (d.code === 'invalid-boolean' && fixes.length === 0) {
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
    if (d.severity === 'warning' && d.code !== 'crlf') return [];
    const key = `${opts.dialect}|${opts.precision}|${d.code}|${d.column}|${d.endColumn}|${lineText}`;
    let fixes = this.map.get(key);
    if (fixes === undefined) {
      fixes = quickFixes(d, lineText, opts);
      if (this.map.size >= this.max) this.map.clear();
      this.map.set(key, fixes);
    }
    return fixes;
  }
}
