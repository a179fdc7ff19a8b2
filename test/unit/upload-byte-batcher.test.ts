// The fast byte batcher (used when nothing is skipped) must cut exactly the batches the validating
// Batcher cuts: same bytes, records, lines and file-line segments, whatever the read chunking —
// quoted newlines, escapes, CRLF, comments, blank lines, unclosed quotes, non-ASCII included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Batcher, fileLineOf, type Batch } from '../../app/upload/batcher.js';
import { ByteBatcher } from '../../app/upload/byte-batcher.js';

const enc = new TextEncoder();

function chunks<T>(data: T & { length: number; slice(a: number, b: number): T }, sizes: number[]): T[] {
  const out: T[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length]);
    out.push(data.slice(at, at + n));
    at += n;
  }
  return out;
}

const shape = (b: Batch) => ({ text: b.text, records: b.records, lines: b.lines, segments: b.segments, index: b.index });

function both(text: string, sizes: number[], batchLines: number, maxChars?: number) {
  const slow: Batch[] = [];
  const s = new Batcher({ batchLines, maxChars }, (b) => slow.push(b));
  for (const c of chunks(text, sizes)) s.push(c);
  const st = s.end();
  const fast: (Batch & { bytes: Uint8Array })[] = [];
  const f = new ByteBatcher({ batchLines, maxChars }, (b) => fast.push(b));
  // Byte chunks cut anywhere, also inside a multi-byte character.
  for (const c of chunks(enc.encode(text), sizes)) f.push(c);
  const ft = f.end();
  return { slow, fast, st, ft, s, f };
}

describe('byte batcher', () => {
  it('cuts the same batches as the validating batcher on a document with every kind of line', () => {
    const doc = ['cpu,host=a v=1 1', 'note,host=a msg="first line', 'second, line" 2', '', '# a comment', '  # indented comment', 'cpu,host=b v=2 3\r', 'note,host=b msg="x\\"y\nz" 4', 'wéather,city=zürich t=1 5', '\t', 'cpu,host=c v=3 5', 'bad line without fields', 'x s="unclosed\nmore'].join('\n');
    for (const sizes of [[1], [2, 3], [7], [64], [100000]]) {
      for (const n of [1, 2, 5000]) {
        const { slow, fast, st, ft } = both(doc, sizes, n);
        expect(fast.map(shape)).toEqual(slow.map(shape));
        expect(ft).toEqual(st);
      }
    }
  });

  it('maps a server error line back to the file line', () => {
    const doc = 'a v=1 1\n\n# c\nb s="x\ny" 2\nc v=oops 3\n';
    const { fast } = both(doc, [5], 10);
    expect(fast).toHaveLength(1);
    expect(fast[0].text.split('\n')[3]).toBe('c v=oops 3');
    expect(fileLineOf(fast[0], 4)).toBe(6);
  });

  it('property: same batches as the validating batcher for any records and chunking', () => {
    const record = fc.oneof(
      fc.tuple(fc.constantFrom('cpu', 'mem', 'my\\ m', 'ümlaut'), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 9 })).map(([m, v, t]) => `${m},h=x v=${v} ${t}`),
      fc.tuple(fc.string({ unit: fc.constantFrom('a', ' ', '\n', ',', '=', '\\\\', '\\"', 'é', '\r') }), fc.integer({ min: 1, max: 9 })).map(([s, t]) => `s f="${s}" ${t}`),
      fc.string({ unit: fc.constantFrom('a', ' ', '\n', ',', '=', '\\', '"', '#', '\r', '\t', '€') }),
      fc.constant(''),
      fc.constant('# c'),
      fc.constant('m v=1 1\r'),
    );
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 7 }),
        fc.option(fc.integer({ min: 8, max: 200 })),
        (recs, sizes, n, maxChars) => {
          const text = recs.join('\n');
          // The size cap counts UTF-16 units in one and bytes in the other: compare on ASCII only.
          const cap = /^[\x00-\x7f]*$/.test(text) ? (maxChars ?? undefined) : undefined;
          const { slow, fast, st, ft } = both(text, sizes, n, cap);
          expect(fast.map(shape)).toEqual(slow.map(shape));
          expect(ft).toEqual(st);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
