// Diagnostics: InfluxDB's reason at the right line and column, a hint, and our warnings for
// what InfluxDB accepts silently.
import { describe, expect, it } from 'vitest';
import { LineProtocolParser, parse } from '../../lineprotocol/parse.js';
import type { Diagnostic, ParseOptions, Point, RecordError } from '../../lineprotocol/types.js';

const NOW = 1700000000123456789n;
const diags = (text: string, opts: ParseOptions = {}) => parse(text, { now: NOW, ...opts }).diagnostics;
const codes = (text: string, opts: ParseOptions = {}) => diags(text, opts).map((d) => `${d.line}:${d.column} ${d.severity} ${d.code}`);

describe('errors', () => {
  it('carry InfluxDB reason, position and a hint', () => {
    const r = parse('cpu v=1 1\ncpu v=1.2.3 2\n', { now: NOW });
    expect(r.errors).toEqual([
      { line: 2, column: 7, reason: 'invalid number', text: 'cpu v=1.2.3 2', message: "unable to parse 'cpu v=1.2.3 2': invalid number" },
    ]);
    expect(r.diagnostics[0]).toMatchObject({ line: 2, column: 7, endColumn: 12, severity: 'error', code: 'invalid-number', message: 'invalid number' });
    expect(r.diagnostics[0].hint).toMatch(/1i \(integer\)/);
    expect(r.points).toHaveLength(1);
  });

  it('point at the offending token in each phase', () => {
    expect(codes(',cpu v=1')).toEqual(['1:1 error missing-measurement']);
    expect(codes('cpu,host v=1')).toEqual(['1:5 error missing-tag-value']);
    expect(codes('cpu,host=a=b v=1')).toEqual(['1:11 error invalid-tag-format']);
    expect(codes('cpu,b=1,a=2,b=3 v=1')).toEqual(['1:13 error duplicate-tags']);
    expect(codes('cpu a=1, b=2')).toEqual(['1:5 error invalid-field-format']);
    expect(codes('cpu v=yes')).toEqual(['1:7 error invalid-boolean']);
    expect(codes('cpu v=1 12:00')).toEqual(['1:11 error bad-timestamp']);
    expect(codes('cpu v=1 10 # no trailing comments')).toEqual(['1:12 error point-is-invalid']);
    expect(codes('  cpu v=1i,w=99999999999999999999i')).toEqual(['1:14 error integer-out-of-range']);
  });

  it('unbalanced quote points at the opening quote and names what it swallowed', () => {
    const [d, ...rest] = diags('cpu v=1 1\ncpu s="open,v=2 2\ncpu v=3 3\ncpu v=4 4\n');
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ line: 2, column: 7, endLine: 4, severity: 'error', code: 'unbalanced-quotes' });
    expect(d.message).toBe('unbalanced quotes: the string opened here never closes, so InfluxDB reads the next 2 lines into this record and rejects them all');
  });

  it('the 1.x dialect rejects unsigned integers and accepts reserved tag keys', () => {
    expect(codes('cpu v=1u', { dialect: 'influxdb1' })).toEqual(['1:7 error unsigned-unsupported']);
    expect(diags('cpu v=1u', { dialect: 'influxdb1' })[0].message).toBe('invalid number');
    expect(codes('cpu,time=a v=1', { dialect: 'influxdb1' })).toEqual([]);
    expect(codes('cpu,time=a v=1')).toEqual(['1:5 error reserved-tag-key']);
  });

  it('a reserved tag key is named before duplicate tags, as InfluxDB 2.x does (its scanKey checks it first)', () => {
    // Sorted keys with a duplicate: InfluxDB 2.x says `cannot use reserved tag key "time"`.
    expect(parse('cpu,time=a,time=b v=1', { now: NOW }).errors.map((e) => e.message)).toEqual([
      `unable to parse 'cpu,time=a,time=b v=1': cannot use reserved tag key "time"`,
    ]);
    // Unsorted keys, the duplicate before the reserved key in the input.
    expect(codes('cpu,b=1,a=2,b=3,_field=x v=1')).toEqual(['1:17 error reserved-tag-key']);
    expect(codes('cpu,b=1,_measurement=x,b=3 v=1')).toEqual(['1:9 error reserved-tag-key']);
    // 1.x has no reserved keys: the duplicate is what it reports.
    expect(codes('cpu,time=a,time=b v=1', { dialect: 'influxdb1' })).toEqual(['1:12 error duplicate-tags']);
    // The byte scanner (used for ASCII streams) agrees with the text scanner.
    const found: string[] = [];
    const p = new LineProtocolParser({ now: NOW }, { error: (e) => found.push(e.reason) });
    const line = 'cpu,b=1,a=2,b=3,time=x v=1\n';
    p.push(line, new TextEncoder().encode(line));
    p.end();
    expect(found).toEqual(['cannot use reserved tag key "time"']);
  });
});

describe('warnings', () => {
  it('timestamp in the wrong unit: landed in 1970', () => {
    const [d] = diags('cpu v=1 1700000000\n');
    expect(d).toMatchObject({ line: 1, column: 9, endColumn: 19, severity: 'warning', code: 'precision-mismatch' });
    expect(d.message).toBe('timestamp 1700000000 in nanoseconds is 1970-01-01T00:00:01.7Z; it looks like seconds');
    expect(d.hint).toBe('Choose precision s, or write the timestamp in nanoseconds.');
    expect(codes('cpu v=1 1700000000', { precision: 's' })).toEqual([]);
    expect(codes('cpu v=1 1700000000123', { precision: 'ms' })).toEqual([]);
  });

  it('timestamp in the wrong unit: beyond 2262 is an error with the likely unit', () => {
    const ds = diags('cpu v=1 1700000000123456789\n', { precision: 'ms' });
    expect(ds.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning precision-mismatch', 'error time-out-of-range']);
    expect(ds[1].hint).toContain('it looks like nanoseconds');
    expect(ds[0].message).toContain('it looks like nanoseconds');
  });

  it('CRLF line endings: a warning beside the error, or the only sign of a corrupted string', () => {
    expect(codes('cpu v=1 10\r\n')).toEqual(['1:11 warning crlf', '1:11 error bad-timestamp']);
    const r = parse('cpu v="s"\r\n', { now: NOW });
    expect(r.points[0].fields[0]).toEqual({ key: 'v', type: 'string', value: 's"' });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['crlf']);
    const stripped = parse('cpu v="s"\r\ncpu w=2 1700000000000000000\r\n', { now: NOW, crlf: 'strip' });
    expect(stripped.diagnostics).toEqual([]);
    expect(stripped.points.map((p) => p.fields[0].value)).toEqual(['s', 2]);
  });

  it('one field with two types', () => {
    const [d] = diags('cpu v=1i 1700000000000000000\ncpu v=1.5 1700000000000000001\n');
    expect(d).toMatchObject({ line: 2, severity: 'warning', code: 'field-type-conflict' });
    expect(d.message).toBe('field "v" of "cpu" is a float here but an integer on line 1; InfluxDB will reject one of them as a field type conflict');
  });

  it('same series and timestamp twice, and repeated lines without a timestamp', () => {
    expect(codes('cpu,a=1,b=2 v=1 1700000000000000000\ncpu,b=2,a=1 w=2 1700000000000000000\n')).toEqual(['2:1 warning duplicate-point']);
    expect(codes('cpu v=1\ncpu v=2\nmem v=3\n')).toEqual(['2:1 warning duplicate-no-timestamp']);
  });

  it('a literal \\n in a string stays two characters', () => {
    const r = parse('cpu s="a\\nb"\n', { now: NOW });
    expect(r.points[0].fields[0].value).toBe('a\\nb');
    expect(r.diagnostics.map((d) => `${d.column}-${d.endColumn} ${d.code}`)).toEqual(['9-11 literal-escape']);
  });

  it('strings over 1 MiB', () => {
    expect(codes(`cpu s="${'x'.repeat(1024 * 1024 + 1)}" 1700000000000000000\n`)).toEqual(['1:1 warning string-too-long']);
    expect(codes(`cpu s="${'x'.repeat(1024 * 1024)}" 1700000000000000000\n`)).toEqual([]);
  });

  it('can be turned off', () => {
    expect(diags('cpu v=1 1700000000\ncpu v=1i 1700000000\n', { warnings: false })).toEqual([]);
  });
});

describe('streaming', () => {
  const doc =
    'cpu,host=a v=1i 1700000000000000000\n' +
    'cpu s="multi\nline, with = and \\" inside" 1700000000000000001\n' +
    '# comment "with quote\n' +
    'bad line\r\n' +
    'mem,host=é\\ x free=10u\n' +
    'cpu v="unclosed,w=1\ncpu v=2 2\n';

  function streamed(chunks: string[], bytes = false) {
    const points: Point[] = [];
    const errors: RecordError[] = [];
    const ds: Diagnostic[] = [];
    const p = new LineProtocolParser({ now: NOW }, { point: (x) => points.push(x), error: (e, d) => { errors.push(e); ds.push(d); }, warning: (d) => ds.push(d) });
    for (const c of chunks) p.push(c, bytes ? new TextEncoder().encode(c) : undefined);
    const stats = p.end();
    return { points, errors, diagnostics: ds, stats };
  }

  it('gives the same result for every split of the input into two chunks', () => {
    const whole = parse(doc, { now: NOW });
    for (let i = 0; i <= doc.length; i++) {
      const s = streamed([doc.slice(0, i), doc.slice(i)]);
      expect(s.points).toEqual(whole.points);
      expect(s.errors).toEqual(whole.errors);
      expect(s.diagnostics).toEqual(whole.diagnostics);
      expect(s.stats).toEqual(whole.stats);
    }
  });

  it('gives the same result through the byte scanner, for every split', () => {
    const ascii = doc.replace('é', 'e');
    const whole = parse(ascii, { now: NOW });
    for (let i = 0; i <= ascii.length; i++) {
      const s = streamed([ascii.slice(0, i), ascii.slice(i)], true);
      expect(s.points).toEqual(whole.points);
      expect(s.diagnostics).toEqual(whole.diagnostics);
      expect(s.stats).toEqual(whole.stats);
    }
    const mixed = streamed([doc.slice(0, 40), doc.slice(40, 120), doc.slice(120)], true);
    expect(mixed.points).toEqual(parse(doc, { now: NOW }).points);
  });

  it('gives the same result one character at a time', () => {
    const whole = parse(doc, { now: NOW });
    const s = streamed([...doc]);
    expect(s.points).toEqual(whole.points);
    expect(s.diagnostics).toEqual(whole.diagnostics);
  });
});
