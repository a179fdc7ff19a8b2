// The lint worker's first check of a big text goes in slices: results come out as they are found,
// each covering more of the text, a newer text or edit is taken in between slices, and the end
// result is what checking the whole text at once gives.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IncrementalValidator } from '../../lineprotocol/incremental.js';
import { targetParseOptions } from '../../lineprotocol/target.js';
import type { Diagnostic } from '../../lineprotocol/types.js';
import { LintSession } from '../../renderer/lint/lint-session.js';
import { applyDiagnostics, type FromWorker, type LintOptions } from '../../renderer/lint/protocol.js';

const OPTIONS: LintOptions = { target: 'endpoint', precision: 'ns' };

function wholeCheck(text: string) {
  const v = new IncrementalValidator(targetParseOptions(OPTIONS.target, OPTIONS.precision));
  v.setText(text);
  return { stats: v.stats(), diagnostics: v.localDiagnostics(), cross: v.crossLineDiagnostics() };
}

/** A session and everything it posted. */
function session(slices?: { first: number; next: number }) {
  const out: FromWorker[] = [];
  const s = new LintSession((m) => out.push(m), slices);
  /** Steps until the text is checked; how many steps it took. */
  const finish = () => {
    let steps = 0;
    while (s.step() === 'slice') steps++;
    return steps + 1;
  };
  /** The diagnostics the editor holds after the messages so far (each says what changed). */
  const shown = () => {
    let d: Diagnostic[] = [];
    for (const m of out) d = applyDiagnostics(d, m.diagnostics);
    return d;
  };
  return { s, out, finish, shown };
}

/** `n` lines, every 1,000th broken (a missing field value), every 997th a string field over two lines. */
function bigText(n: number, measurement = 'cpu'): string {
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) {
    if (i % 1000 === 0) lines.push(`${measurement},host=h${i % 7} usage= ${1_700_000_000_000_000_000n + BigInt(i)}`);
    else if (i % 997 === 0) lines.push(`${measurement},host=h${i % 7} note="two\nlines" ${1_700_000_000_000_000_000n + BigInt(i)}`);
    else lines.push(`${measurement},host=h${i % 7} usage=${i}.5,count=${i}i ${1_700_000_000_000_000_000n + BigInt(i)}`);
  }
  return lines.join('\n') + '\n';
}

describe('the lint session checks a big text in slices', () => {
  it('posts results for a 50k-line text as it goes, each covering more of it, and ends with the whole check', () => {
    const text = bigText(50_000);
    const { s, out, finish, shown } = session();
    s.receive({ type: 'set', version: 1, text, options: OPTIONS });
    const steps = finish();
    // 5,000 lines first, then 10,000 at a time.
    expect(steps).toBe(6);
    expect(out).toHaveLength(6);
    const progress = out.map((m) => m.progress);
    for (let i = 1; i < out.length; i++) {
      expect(progress[i]).toBeGreaterThan(progress[i - 1]);
      expect(out[i].stats.lines).toBeGreaterThan(out[i - 1].stats.lines);
    }
    expect(progress[0]).toBeGreaterThan(0);
    expect(progress[0]).toBeLessThan(0.2);
    expect(progress.at(-1)).toBe(1);
    // The first results cover the first slice: its line count and only the errors in it.
    expect(out[0].stats.lines).toBeGreaterThanOrEqual(5_000);
    expect(out[0].stats.lines).toBeLessThan(5_010);
    const whole = wholeCheck(text);
    const errorsUpTo = (line: number) => whole.diagnostics.filter((d) => d.severity === 'error' && d.line <= line).length;
    expect(out[0].stats.errors).toBe(errorsUpTo(out[0].stats.lines));
    expect(out[0].stats.errors).toBe(4);
    expect(out[0].diagnostics).toEqual(whole.diagnostics.filter((d) => d.line <= out[0].stats.lines));
    expect(out.every((m) => m.version === 1 && !m.complete)).toBe(true);
    expect(out.at(-1)!.stats).toEqual(whole.stats);
    expect(shown()).toEqual(whole.diagnostics);
    expect(whole.stats.errors).toBe(50);
    // Then the cross-line checks, over the whole text.
    s.crossLine();
    expect(out.at(-1)!.complete).toBe(true);
    expect(out.at(-1)!.stats.warnings).toBe(whole.stats.warnings + whole.cross.length);
  });

  it('a newer text supersedes a run: what follows is about the new text only, from its start', () => {
    const { s, out, finish } = session();
    s.receive({ type: 'set', version: 1, text: bigText(50_000), options: OPTIONS });
    expect(s.step()).toBe('slice');
    expect(s.step()).toBe('slice');
    const before = out.length;
    expect(out[before - 1].progress).toBeLessThan(0.5);
    const newer = bigText(30_000, 'mem');
    s.receive({ type: 'edit', version: 2, changes: [{ from: 0, to: bigText(50_000).length, insert: newer }] });
    finish();
    const after = out.slice(before);
    expect(after.map((m) => m.version)).toEqual([2, 2, 2, 2]);
    expect(after[0].stats.lines).toBeLessThan(5_010);
    expect(after[0].progress).toBeLessThan(0.2);
    expect(after.at(-1)!.progress).toBe(1);
    expect(after.at(-1)!.stats).toEqual(wholeCheck(newer).stats);
    // The findings start afresh with the new text (a whole list, then what each slice adds).
    expect(Array.isArray(after[0].diagnostics)).toBe(true);
    let findings: Diagnostic[] = [];
    for (const m of after) findings = applyDiagnostics(findings, m.diagnostics);
    expect(findings).toEqual(wholeCheck(newer).diagnostics);
    expect(findings.length).toBeGreaterThan(0);
  });

  it('a keystroke during the run is taken in between slices, whether in the checked part or the rest', () => {
    const text = bigText(50_000);
    const { s, out, finish, shown } = session();
    s.receive({ type: 'set', version: 1, text, options: OPTIONS });
    s.step();
    // Line 10 (checked) gets a stray letter in its timestamp; line 40,000 (not checked yet) too.
    const at10 = text.split('\n').slice(0, 9).join('\n').length + 1;
    const eol10 = text.indexOf('\n', at10);
    s.receive({ type: 'edit', version: 2, changes: [{ from: eol10, to: eol10, insert: 'x' }] });
    const edited1 = text.slice(0, eol10) + 'x' + text.slice(eol10);
    const at40k = edited1.split('\n').slice(0, 39_999).join('\n').length + 1;
    const eol40k = edited1.indexOf('\n', at40k);
    expect(s.step()).toBe('slice');
    expect(out.at(-1)!.version).toBe(2);
    const checked = out.at(-1)!.stats.lines;
    expect(checked).toBeGreaterThanOrEqual(15_000);
    expect(out.at(-1)!.stats.errors).toBe(wholeCheck(edited1).diagnostics.filter((d) => d.severity === 'error' && d.line <= checked).length);
    expect(shown().some((d) => d.line === 10 && d.severity === 'error')).toBe(true);
    s.receive({ type: 'edit', version: 3, changes: [{ from: eol40k, to: eol40k, insert: 'x' }] });
    finish();
    const edited = edited1.slice(0, eol40k) + 'x' + edited1.slice(eol40k);
    const whole = wholeCheck(edited);
    expect(out.at(-1)!.version).toBe(3);
    expect(out.at(-1)!.stats).toEqual(whole.stats);
    expect(whole.stats.errors).toBe(52);
    expect(shown()).toEqual(whole.diagnostics);
  });

  it('slicing anywhere, with edits between slices, ends with the same findings as checking the whole text', () => {
    const fragment = fc.constantFrom(
      'cpu,host=a v=1i 1700000000000000000\n',
      'cpu v="multi\nline" 5\n',
      'cpu v="unclosed\n',
      'bad line\n',
      '# comment\n',
      '\n',
      'cpu v=1\r\n',
      'cpu,host=a\\ b v=t\n',
      'cpu v=1\\\n',
      '"',
      '\\',
      'x',
    );
    const text = fc.array(fragment, { maxLength: 25 }).map((p) => p.join(''));
    const edit = fc.record({ at: fc.nat(), len: fc.nat({ max: 6 }), insert: fc.array(fragment, { maxLength: 2 }).map((p) => p.join('')), after: fc.nat({ max: 4 }) });
    fc.assert(
      fc.property(text, fc.array(edit, { maxLength: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), (initial, edits, first, next) => {
        const { s, out, finish, shown } = session({ first, next });
        s.receive({ type: 'set', version: 1, text: initial, options: OPTIONS });
        let current = initial;
        let version = 1;
        for (const e of edits) {
          for (let i = 0; i < e.after; i++) s.step();
          const from = e.at % (current.length + 1);
          const to = Math.min(current.length, from + e.len);
          s.receive({ type: 'edit', version: ++version, changes: [{ from, to, insert: e.insert }] });
          current = current.slice(0, from) + e.insert + current.slice(to);
        }
        finish();
        const whole = wholeCheck(current);
        expect(out.at(-1)!.stats).toEqual(whole.stats);
        expect(shown()).toEqual(whole.diagnostics);
      }),
      { numRuns: 300 },
    );
  });

  it('answers a keystroke with what changed in the findings: nothing, or the few that did', () => {
    const { s, out, shown } = session();
    const text = Array.from({ length: 3000 }, (_, i) => (i % 2 === 0 ? `cpu v=${i} ${i}` : `cpu v= ${i}`)).join('\n');
    s.receive({ type: 'set', version: 1, text, options: OPTIONS });
    s.step();
    expect(out[0].diagnostics).toHaveLength(1500);
    // A value changed on a good line: no finding changed.
    s.receive({ type: 'edit', version: 2, changes: [{ from: 6, to: 6, insert: '5' }] }); // cpu v=50 0
    s.step();
    expect(out[1].diagnostics).toBeNull();
    expect(out[1].progress).toBe(1);
    // Line 1,000's missing value given: one finding goes, the other 1,499 are not sent again.
    const at = text.split('\n').slice(0, 999).join('\n').length + 1 + 1 + 'cpu v='.length;
    s.receive({ type: 'edit', version: 3, changes: [{ from: at, to: at, insert: '3' }] });
    s.step();
    expect(out[2].diagnostics).toEqual({ at: 499, remove: 1, insert: [] });
    expect(out[2].stats.errors).toBe(1499);
    expect(shown()).toEqual(wholeCheck(text.slice(0, 6) + '5' + text.slice(6, at - 1) + '3' + text.slice(at - 1)).diagnostics);
  });
});
