// The editor's highlighting tokenizer on tricky lines: escapes, quoted strings (also across
// lines), every value type, comments.
import { StringStream } from '@codemirror/language';
import { describe, expect, it } from 'vitest';
import { token, type LpState } from '../../renderer/editor/language.js';
import { isTextFix, quickFixes } from '../../renderer/editor/quickfix.js';
import { timestampRange, timestampText } from '../../renderer/editor/hover.js';
import { validate } from '../../lineprotocol/parse.js';

/** [text, token] pairs of each line, whitespace dropped; the state carries across lines. */
function tokens(doc: string): [string, string][][] {
  const state: LpState = { part: 'measurement', inString: false };
  return doc.split('\n').map((line) => {
    const out: [string, string][] = [];
    const s = new StringStream(line, 4, 2);
    while (!s.eol()) {
      const start = s.pos;
      s.start = start; // as CodeMirror does before each token
      const t = token(s, state);
      if (s.pos === start) throw new Error(`no progress at ${start} in ${line}`);
      if (t !== null) out.push([line.slice(start, s.pos), t]);
    }
    return out;
  });
}

describe('highlighting tokenizer', () => {
  it('names every part of a line, values by type', () => {
    expect(tokens('cpu,host=a,region=eu f=1.5,i=-3i,u=7u,s="x y",b=true 1577836800000000000')[0]).toEqual([
      ['cpu', 'className'],
      [',', 'punctuation'],
      ['host', 'attributeName'],
      ['=', 'punctuation'],
      ['a', 'attributeValue'],
      [',', 'punctuation'],
      ['region', 'attributeName'],
      ['=', 'punctuation'],
      ['eu', 'attributeValue'],
      ['f', 'propertyName'],
      ['=', 'punctuation'],
      ['1.5', 'float'],
      [',', 'punctuation'],
      ['i', 'propertyName'],
      ['=', 'punctuation'],
      ['-3i', 'integer'],
      [',', 'punctuation'],
      ['u', 'propertyName'],
      ['=', 'punctuation'],
      ['7u', 'unit'],
      [',', 'punctuation'],
      ['s', 'propertyName'],
      ['=', 'punctuation'],
      ['"x y"', 'string'],
      [',', 'punctuation'],
      ['b', 'propertyName'],
      ['=', 'punctuation'],
      ['true', 'bool'],
      ['1577836800000000000', 'atom'],
    ]);
  });

  it('keeps escaped spaces, commas and equals signs inside their element', () => {
    expect(tokens('my\\ cpu,ho\\=st=a\\,b v=1')[0]).toEqual([
      ['my\\ cpu', 'className'],
      [',', 'punctuation'],
      ['ho\\=st', 'attributeName'],
      ['=', 'punctuation'],
      ['a\\,b', 'attributeValue'],
      ['v', 'propertyName'],
      ['=', 'punctuation'],
      ['1', 'float'],
    ]);
  });

  it('carries a string across lines and resumes after it', () => {
    const [l1, l2, l3] = tokens('m s="first\nsecond, \\"q\\" x=1",v=2i 5\nn v=1');
    expect(l1).toEqual([
      ['m', 'className'],
      ['s', 'propertyName'],
      ['=', 'punctuation'],
      ['"first', 'string'],
    ]);
    expect(l2).toEqual([
      ['second, \\"q\\" x=1"', 'string'],
      [',', 'punctuation'],
      ['v', 'propertyName'],
      ['=', 'punctuation'],
      ['2i', 'integer'],
      ['5', 'atom'],
    ]);
    expect(l3[0]).toEqual(['n', 'className']);
  });

  it('spaces after the timestamp are fine; anything else there is not', () => {
    expect(tokens('m v=1 5   ')[0].slice(-1)).toEqual([['5', 'atom']]);
    expect(tokens('m v=1 5 x')[0].slice(-2)).toEqual([
      ['5', 'atom'],
      ['x', 'invalid'],
    ]);
  });

  it('a string ending in an escaped backslash closes at its quote; quotes in tags are plain text', () => {
    expect(tokens('m,t="a" s="a\\\\",v=1')[0]).toEqual([
      ['m', 'className'],
      [',', 'punctuation'],
      ['t', 'attributeName'],
      ['=', 'punctuation'],
      ['"a"', 'attributeValue'],
      ['s', 'propertyName'],
      ['=', 'punctuation'],
      ['"a\\\\"', 'string'],
      [',', 'punctuation'],
      ['v', 'propertyName'],
      ['=', 'punctuation'],
      ['1', 'float'],
    ]);
  });

  it('comments, and values that are not values', () => {
    expect(tokens('# a comment, v=1')[0]).toEqual([['# a comment, v=1', 'lineComment']]);
    expect(tokens('m v=yes 12x')[0].slice(-2)).toEqual([
      ['yes', 'invalid'],
      ['12x', 'invalid'],
    ]);
  });
});

describe('quick fixes', () => {
  const fixOf = (line: string, code?: string) => {
    const d = validate(line).diagnostics.find((x) => code === undefined || x.code === code)!;
    expect(d, `a diagnostic for ${line}`).toBeDefined();
    const fixes = quickFixes(d, line).filter(isTextFix);
    return fixes.map((f) => ({ name: f.name, result: line.slice(0, f.from) + f.insert + line.slice(f.to) }));
  };

  it('wraps a bare word in quotes', () => {
    expect(fixOf('cpu v=hello 1')).toEqual([{ name: 'Wrap in quotes', result: 'cpu v="hello" 1' }]);
  });

  it('escapes a space that split a tag value, and the fixed line is valid', () => {
    const fixed = fixOf('cpu,host=my host usage=1 1');
    expect(fixed).toEqual([{ name: 'Escape the space', result: 'cpu,host=my\\ host usage=1 1' }]);
    expect(validate(fixed[0].result).diagnostics).toEqual([]);
  });

  it('strips a CR', () => {
    const d = validate('cpu v=1 1\r\nnext v=1 2').diagnostics.find((x) => x.code === 'crlf')!;
    expect(d).toBeDefined();
    const [f] = quickFixes(d, 'cpu v=1 1\r').filter(isTextFix);
    expect(f.name).toBe('Strip CR');
    expect('cpu v=1 1\r'.slice(0, f.from) + f.insert + 'cpu v=1 1\r'.slice(f.to)).toBe('cpu v=1 1');
  });

  it('offers nothing where the fix is not certain', () => {
    expect(fixOf('cpu v= 1')).toEqual([]);
  });
});

describe('timestamp hover', () => {
  it('reads the timestamp under the selected precision', () => {
    expect(timestampText('1577836800000000000', 'ns')).toBe('2020-01-01T00:00:00.000000000Z (UTC, read as ns)');
    expect(timestampText('1577836800123', 'ms')).toBe('2020-01-01T00:00:00.123000000Z (UTC, read as ms)');
    expect(timestampText('26297280', 'm')).toBe('2020-01-01T00:00:00.000000000Z (UTC, read as m)');
    expect(timestampText('-1', 'ns')).toBe('1969-12-31T23:59:59.999999999Z (UTC, read as ns)');
  });

  it('finds the timestamp of a line, not a number elsewhere', () => {
    const line = 'cpu,host=a v=1 1577836800000000000';
    expect(timestampRange(line)).toEqual({ from: 15, to: 34 });
    expect(timestampRange('# 123 456')).toBeNull();
    expect(timestampRange('cpu v=1')).toBeNull();
  });
});
