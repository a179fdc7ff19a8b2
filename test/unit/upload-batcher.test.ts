// The upload batcher: batch boundaries never split a record (a multi-line string included, also
// when the read chunks cut through it), every batch line maps back to its file line, and
// --skip-invalid leaves out exactly the invalid records.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Batcher, fileLineOf, type Batch } from '../../app/upload/batcher.js';
import { parse } from '../../lineprotocol/parse.js';

function run(text: string, chunkSizes: number[], o: ConstructorParameters<typeof Batcher>[0] = {}) {
  const batches: Batch[] = [];
  const b = new Batcher(o, (x) => batches.push(x));
  let at = 0;
  let i = 0;
  while (at < text.length) {
    const n = Math.max(1, chunkSizes[i++ % chunkSizes.length]);
    b.push(text.slice(at, at + n));
    at += n;
  }
  const totals = b.end();
  return { batches, totals, batcher: b };
}

const DOC = [
  'cpu,host=a v=1 1',
  'note,host=a msg="first line',
  'second, line" 2',
  '',
  '# a comment',
  'cpu,host=b v=2 3',
  'note,host=b msg="x\\"y\nz" 4',
  'cpu,host=c v=3 5',
].join('\n');

describe('upload batcher', () => {
  it('cuts batches of N records without splitting a multi-line record, whatever the chunking', () => {
    for (const sizes of [[1], [3], [7, 2, 11], [1000]]) {
      const { batches } = run(DOC, sizes, { batchLines: 2 });
      expect(batches.map((b) => b.text)).toEqual([
        'cpu,host=a v=1 1\nnote,host=a msg="first line\nsecond, line" 2',
        'cpu,host=b v=2 3\nnote,host=b msg="x\\"y\nz" 4',
        'cpu,host=c v=3 5',
      ]);
      expect(batches.map((b) => b.records)).toEqual([2, 2, 1]);
      // Text lines per batch, and the last of each maps to the record's last file line.
      expect(batches.map((b) => b.lines)).toEqual([3, 3, 1]);
      expect(batches.map((b) => fileLineOf(b, b.lines))).toEqual([3, 8, 9]);
    }
  });

  it('maps every batch line to its file line, across skipped blank lines and comments', () => {
    const { batches } = run(DOC, [5], { batchLines: 2 });
    const fileLines = DOC.split('\n');
    for (const b of batches) {
      b.text.split('\n').forEach((l, i) => expect(fileLines[fileLineOf(b, i + 1) - 1]).toBe(l));
    }
    expect(fileLineOf(batches[1], 1)).toBe(6);
  });

  it('with skipInvalid leaves out invalid records and reports them with line and column', () => {
    const text = 'a v=1 1\nbad\nb v=2 2\nc v= 3\nd v=4 4';
    const { batches, batcher } = run(text, [4], { skipInvalid: true });
    expect(batches.map((b) => b.text)).toEqual(['a v=1 1\nb v=2 2\nd v=4 4']);
    expect(batcher.skipped).toEqual([
      { line: 2, column: 1, message: "unable to parse 'bad': missing fields" },
      { line: 4, column: 5, message: "unable to parse 'c v= 3': missing field value" },
    ]);
    expect(fileLineOf(batches[0], 3)).toBe(5);
  });

  it('without skipInvalid keeps invalid records (the server decides) and counts them', () => {
    const { batches, batcher } = run('a v=1 1\nbad\nb v=2 2', [100]);
    expect(batches[0].text).toBe('a v=1 1\nbad\nb v=2 2');
    expect(batcher.invalidCount).toBe(1);
  });

  it('property: batches joined give back every record, in order, each whole', () => {
    const record = fc.oneof(
      fc.tuple(fc.constantFrom('cpu', 'mem', 'my\\ m'), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 9 })).map(([m, v, t]) => `${m},h=x v=${v} ${t}`),
      fc.tuple(fc.string({ unit: fc.constantFrom('a', ' ', '\n', ',', '=', '\\\\', '\\"') }), fc.integer({ min: 1, max: 9 })).map(([s, t]) => `s f="${s}" ${t}`),
      fc.constant(''),
      fc.constant('# c'),
    );
    fc.assert(
      fc.property(fc.array(record, { maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 7 }), (recs, sizes, n) => {
        const text = recs.join('\n');
        const { batches } = run(text, sizes, { batchLines: n });
        const expected = parse(text).points.length + parse(text).errors.length;
        expect(batches.reduce((a, b) => a + b.records, 0)).toBe(expected);
        // Each batch parses to exactly its own records, none cut.
        const all = batches.flatMap((b) => parse(b.text).points.map((p) => `${p.series} ${JSON.stringify(p.fields)} ${p.time}`));
        expect(all).toEqual(parse(text).points.map((p) => `${p.series} ${JSON.stringify(p.fields)} ${p.time}`));
        for (const b of batches) expect(b.records).toBeLessThanOrEqual(n);
      }),
      { numRuns: 300 },
    );
  });
});
