// The incremental validator must always agree with validating the whole document again.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IncrementalValidator } from '../../lineprotocol/incremental.js';
import { parse, validate, type EngineOptions } from '../../lineprotocol/parse.js';
import type { Diagnostic } from '../../lineprotocol/types.js';

const NOW = 1700000000000000000n;

function full(text: string, crossLine: boolean) {
  return parse(text, { now: NOW, crossLine } as EngineOptions);
}

const key = (d: Diagnostic) => `${d.line}:${d.column}-${d.endLine ?? d.line}:${d.endColumn} ${d.severity} ${d.code} ${d.message}`;

// Fragments that exercise the tricky parts: quotes spanning lines, escapes, CRLF, comments.
const fragment = fc.constantFrom(
  'cpu,host=a v=1i 1700000000000000000\n',
  'cpu,host=b v=2 1700000000000000000\n',
  'cpu v="multi\nline" 5\n',
  'cpu v="unclosed\n',
  'mem,host=a free=10u 1700000000\n',
  'bad line\n',
  '# comment\n',
  '\n',
  'cpu v=1\r\n',
  'cpu v="a\\nb"\n',
  'cpu,host=a\\ b v=t\n',
  'cpu v=1i\n',
  '"',
  '\\',
  ' ',
  '=',
  ',',
  'x',
);

const doc = fc.array(fragment, { maxLength: 30 }).map((parts) => parts.join(''));

describe('IncrementalValidator', () => {
  it('matches a full re-validation after every random edit', () => {
    fc.assert(
      fc.property(
        doc,
        fc.array(fc.tuple(fc.nat(), fc.nat(8), fc.array(fragment, { maxLength: 3 }).map((p) => p.join(''))), { minLength: 1, maxLength: 8 }),
        (text, edits) => {
          const v = new IncrementalValidator({ now: NOW });
          v.setText(text);
          let current = text;
          for (const [at, len, insert] of edits) {
            const from = current.length === 0 ? 0 : at % (current.length + 1);
            const to = Math.min(current.length, from + len);
            v.applyEdit(from, to, insert);
            current = current.slice(0, from) + insert + current.slice(to);
            expect(v.text).toBe(current);
            const whole = full(current, false);
            expect(v.localDiagnostics().map(key)).toEqual(whole.diagnostics.map(key));
            const s = v.stats();
            expect([s.lines, s.records, s.points, s.errors]).toEqual([whole.stats.lines, whole.stats.records, whole.stats.points, whole.stats.errors]);
          }
          const crossWhole = full(current, true).diagnostics.filter((d) => ['duplicate-point', 'duplicate-no-timestamp', 'field-type-conflict'].includes(d.code));
          expect(v.crossLineDiagnostics().map((d) => `${d.line} ${d.code} ${d.message}`)).toEqual(crossWhole.map((d) => `${d.line} ${d.code} ${d.message}`));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('re-parses only near the edit in a large document', () => {
    const lines = Array.from({ length: 20000 }, (_, i) => `cpu,host=h${i % 50} v=${i}i ${1700000000000000000n + BigInt(i)}`);
    const v = new IncrementalValidator({ now: NOW });
    v.setText(lines.join('\n') + '\n');
    const offset = lines.slice(0, 10000).join('\n').length + 1; // start of line 10001
    v.applyEdit(offset + 4, offset + 4, ' '); // "cpu, host=..." → missing tag key
    expect(v.lastWindow).toBe(1); // that line alone, not the 10000 after it
    const diags = v.localDiagnostics();
    expect(diags).toHaveLength(1);
    expect(diags[0]).toMatchObject({ line: 10001, severity: 'error', code: 'missing-tag-key' });
    v.applyEdit(offset + 4, offset + 5, '');
    expect(v.lastWindow).toBe(1);
    expect(v.localDiagnostics()).toHaveLength(0);
    // Joining two lines (deleting a newline) parses the two, no more.
    const nl = offset + lines[10000].length;
    v.applyEdit(nl, nl + 1, ' ');
    expect(v.lastWindow).toBe(2);
    expect(v.localDiagnostics()).toMatchObject([{ line: 10001 }]);
    v.applyEdit(nl, nl + 1, '\n');
    expect(v.stats().points).toBe(20000);
  });

  it('follows an unclosed quote through the lines it swallows and back', () => {
    const v = new IncrementalValidator({ now: NOW });
    v.setText('cpu v=1 1\ncpu v=2 2\ncpu v=3 3\n');
    v.applyEdit(6, 7, '"x'); // line 1 becomes cpu v="x 1 ... swallowing the rest
    const [d] = v.localDiagnostics();
    expect(d).toMatchObject({ line: 1, column: 7, code: 'unbalanced-quotes' });
    expect(d.message).toContain('the next 2 lines');
    expect(d.endLine).toBe(3);
    expect(v.stats().points).toBe(0);
    v.applyEdit(6, 8, '1');
    expect(v.localDiagnostics()).toEqual([]);
    expect(v.stats().points).toBe(3);
  });

  it('keeps the cross-line findings equal to checking the whole text again, after every random edit', () => {
    // Few series, times, measurements and fields, so lines collide often: duplicates (with and
    // without timestamps), type conflicts (also within one line), escaped names, multi-line
    // records; edits add, remove and move such lines, including the "first" one of a key.
    const series = fc.constantFrom('cpu,host=a', 'cpu,host=b', 'cpu,zone=z,host=a', 'cpu,host=a,zone=z', 'mem,host=a', 'c\\ pu,host=a');
    const fieldSet = fc.constantFrom('v=1i', 'v=2', 'v=t', 'v="s"', 'v=1u', 'w=1i,v=1.5', 'v=1i,v=2', 'v="x\ny"', 'f\\ g=1i');
    const time = fc.constantFrom('', ' 1', ' 2', ' 1700000000000000000');
    const line = fc.tuple(series, fieldSet, time).map(([s, f, t]) => `${s} ${f}${t}\n`);
    const piece = fc.oneof({ weight: 8, arbitrary: line }, { weight: 1, arbitrary: fc.constantFrom('\n', 'x\n', '"', ' ', '1') });
    const text = fc.array(piece, { maxLength: 25 }).map((p) => p.join(''));
    const edit = fc.tuple(fc.nat(), fc.nat(40), fc.array(piece, { maxLength: 3 }).map((p) => p.join('')));
    fc.assert(
      fc.property(text, fc.array(edit, { minLength: 1, maxLength: 10 }), (start, edits) => {
        const v = new IncrementalValidator({ now: NOW });
        v.setText(start);
        let current = start;
        expect(v.diagnostics().map(key)).toEqual(validate(current, { now: NOW }).diagnostics.map(key));
        for (const [at, len, insert] of edits) {
          const from = current.length === 0 ? 0 : at % (current.length + 1);
          const to = Math.min(current.length, from + len);
          v.applyEdit(from, to, insert);
          current = current.slice(0, from) + insert + current.slice(to);
          // Everything, cross-line findings included, in the same order and with the same texts.
          expect(v.diagnostics().map(key)).toEqual(validate(current, { now: NOW }).diagnostics.map(key));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('agrees with checking the whole text on big ASCII documents too (keys found from the bytes), before and after edits', () => {
    // Over 64 KiB of ASCII the engine reads bytes: series keys are then found from the bytes as
    // written (tags in and out of order), in the validator and in the whole-text check alike.
    const pad = Array.from({ length: 2500 }, (_, i) => `pad,zone=z${i % 7},host=h${i % 50} v=${i % 3 === 0 ? '1.5' : '1i'} ${1000 + i}\n`).join('');
    const series = fc.constantFrom('cpu,host=a', 'cpu,zone=z,host=a', 'cpu,host=a,zone=z', 'pad,host=h3,zone=z3', 'pad,zone=z3,host=h3', 'c\\ pu,host=a');
    const fieldSet = fc.constantFrom('v=1i', 'v=2', 'v=t', 'w=1i,v=1.5');
    const time = fc.constantFrom('', ' 1', ' 1003', ' 1700000000000000000');
    const line = fc.tuple(series, fieldSet, time).map(([s, f, t]) => `${s} ${f}${t}\n`);
    const text = fc.array(line, { minLength: 1, maxLength: 12 }).map((p) => p.join(''));
    const edit = fc.tuple(fc.nat(), fc.nat(30), fc.array(line, { maxLength: 2 }).map((p) => p.join('')));
    fc.assert(
      fc.property(text, text, fc.array(edit, { maxLength: 4 }), (head, tail, edits) => {
        let current = head + pad + tail;
        expect(current.length).toBeGreaterThan(65536);
        const v = new IncrementalValidator({ now: NOW });
        v.setText(current);
        const whole = (t: string) => validate(t, { now: NOW }).diagnostics.map(key);
        expect(v.diagnostics().map(key)).toEqual(whole(current));
        // The whole-text check from built points (no shapes) finds the same.
        expect(full(current, true).diagnostics.map(key)).toEqual(whole(current));
        for (const [at, len, insert] of edits) {
          const from = at % (current.length + 1);
          const to = Math.min(current.length, from + len);
          v.applyEdit(from, to, insert);
          current = current.slice(0, from) + insert + current.slice(to);
          expect(v.diagnostics().map(key)).toEqual(whole(current));
        }
      }),
      { numRuns: 25 },
    );
  });

  it('reports the new first line of a key after the first one is removed', () => {
    const v = new IncrementalValidator({ now: NOW });
    v.setText('cpu v=1i 1\ncpu v=2i 1\ncpu v=3.5 1\ncpu v=4i 1\n');
    const cross = () => v.crossLineDiagnostics().map((d) => `${d.line} ${d.message}`);
    expect(cross()).toEqual([
      '2 same series and timestamp as line 1; InfluxDB keeps one point and overwrites its fields',
      '3 field "v" of "cpu" is a float here but an integer on line 1; InfluxDB will reject one of them as a field type conflict',
      '3 same series and timestamp as line 1; InfluxDB keeps one point and overwrites its fields',
      '4 same series and timestamp as line 1; InfluxDB keeps one point and overwrites its fields',
    ]);
    v.applyEdit(0, 11, ''); // delete line 1: the old line 2 is now first, line numbers move up
    expect(cross()).toEqual([
      '2 field "v" of "cpu" is a float here but an integer on line 1; InfluxDB will reject one of them as a field type conflict',
      '2 same series and timestamp as line 1; InfluxDB keeps one point and overwrites its fields',
      '3 same series and timestamp as line 1; InfluxDB keeps one point and overwrites its fields',
    ]);
    v.applyEdit(0, 11, 'cpu v=9.5 1\n'); // the first line is now a float: the integer on line 3 conflicts
    expect(cross()).toEqual([
      '2 same series and timestamp as line 1; InfluxDB keeps one point and overwrites its fields',
      '3 field "v" of "cpu" is an integer here but a float on line 1; InfluxDB will reject one of them as a field type conflict',
      '3 same series and timestamp as line 1; InfluxDB keeps one point and overwrites its fields',
    ]);
  });
});
