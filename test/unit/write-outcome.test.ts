// What a write's answer means for the lines sent: each named line with its own reason, the lines
// a partial write dropped, and the one sentence of what was stored, for the texts InfluxDB 1.x
// and 2.x send (../shared/spec/influxdb-write-compat.md §1.1, §2.8) and this app's endpoint's.
import { describe, expect, it } from 'vitest';
import { droppedLinesOf, lineList, lineReasonsOf, writeOutcome } from '../../app/write-outcome.js';

const v1 = (error: string) => JSON.stringify({ error });
const v2 = (message: string, extra: Record<string, unknown> = {}) => JSON.stringify({ code: 'invalid', message, ...extra });
/** Line, reason and outcome (the whole text is checked where it matters). */
const brief = (vs: { line: number; reason: string; outcome: string }[]) => vs.map(({ line, reason, outcome }) => ({ line, reason, outcome }));
const SIX = 'cpu,host=a usage=\ncpu,host=a usage=1 1\ncpu,host=a usage=2 2\ncpu,host=a usage=3 3\ncpu,host=a usage=4 4\ncpu,host=b usage=5 12x\n';

describe('lineReasonsOf', () => {
  it('two bad lines, each with its own reason (not the first message twice)', () => {
    const answer = v2("unable to parse 'cpu,host=a usage=': missing field value\nunable to parse 'cpu,host=b usage=5 12x': bad timestamp", { line: 1 });
    expect(lineReasonsOf(answer, SIX)).toEqual([
      { line: 1, reason: 'missing field value', outcome: 'rejected', message: "unable to parse 'cpu,host=a usage=': missing field value" },
      { line: 6, reason: 'bad timestamp', outcome: 'rejected', message: "unable to parse 'cpu,host=b usage=5 12x': bad timestamp" },
    ]);
  });

  it('2,000 lines, every tenth bad with a distinct text: every line its own reason, once', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => (i % 10 === 9 ? `m v=${i}x ${i}` : `m v=${i} ${i}`));
    const bad = lines.map((l, i) => [l, i + 1] as const).filter(([, n]) => n % 10 === 0);
    const answer = v2(bad.map(([l]) => `unable to parse '${l}': invalid number`).join('\n'), { line: 10 });
    const got = lineReasonsOf(answer, lines.join('\n'));
    expect(got.map((v) => v.line)).toEqual(bad.map(([, n]) => n));
    expect(new Set(got.map((v) => v.line)).size).toBe(200);
    expect(got.every((v) => v.reason === 'invalid number')).toBe(true);
  });

  it("1.x's partial write text: reasons without the dropped= and database tail", () => {
    const body = 'cpu v=1 1\nbad line\ncpu v=2 2\ncpu v= 3\n';
    expect(brief(lineReasonsOf(v1("partial write: unable to parse 'bad line': invalid field format\nunable to parse 'cpu v= 3': missing field value dropped=0 for database: db"), body))).toEqual([
      { line: 2, reason: 'invalid field format', outcome: 'rejected' },
      { line: 4, reason: 'missing field value', outcome: 'rejected' },
    ]);
  });

  it("a line holding ': ' itself, a swallowed multi-line chunk, a capped list's tail", () => {
    expect(brief(lineReasonsOf(v2(`unable to parse 'm s="a': b" x': invalid field format`), `m v=1\nm s="a': b" x\n`))).toEqual([{ line: 2, reason: 'invalid field format', outcome: 'rejected' }]);
    expect(lineReasonsOf(v2(`unable to parse 'cpu v="abc\ncpu v=2\ncpu v=3 10': unbalanced quotes`), `ok v=1\ncpu v="abc\ncpu v=2\ncpu v=3 10\n`)).toEqual([
      { line: 2, reason: 'unbalanced quotes', outcome: 'rejected', message: `unable to parse 'cpu v="abc\ncpu v=2\ncpu v=3 10': unbalanced quotes` },
    ]);
    expect(brief(lineReasonsOf(v2("unable to parse 'x': invalid field format\n(3 more lines with errors not shown)"), 'x\nm v=1'))).toEqual([{ line: 1, reason: 'invalid field format', outcome: 'rejected' }]);
  });

  it('the JSON line field alone when no quoted text matches', () => {
    expect(lineReasonsOf(v2('something else', { line: 3 }), 'a\nb\nc')).toEqual([{ line: 3, reason: 'something else', outcome: 'rejected' }]);
    expect(lineReasonsOf(v2('bucket "x" not found'), SIX)).toEqual([]);
  });
});

describe('droppedLinesOf', () => {
  const body = 'cpu usage=1.5 1\ncpu usage=2i 2\ncpu usage=3 3\ncpu,host=x usage=4 4\ncpu usage=5i 5\nmem usage=6i 6\n';
  it('a type conflict: the points of that measurement with that field in the new type', () => {
    const msg = 'failure writing points to database: partial write: field type conflict: input field "usage" on measurement "cpu" is type integer, already exists as type float dropped=2';
    expect(droppedLinesOf(msg, body, 'influxdb2').map((v) => v.line)).toEqual([2, 5]);
    expect(droppedLinesOf(msg, body, 'influxdb2')[0].reason).toBe('field type conflict: input field "usage" on measurement "cpu" is type integer, already exists as type float');
  });
  it('a reason that names no point (retention) names no line', () => {
    expect(droppedLinesOf('partial write: points beyond retention policy dropped=3', body, 'influxdb2')).toEqual([]);
  });
});

describe('writeOutcome: one sentence of what was stored', () => {
  it('204: every point', () => {
    expect(writeOutcome(204, '', 'a v=1 1\n# c\nb v=2 2\n', 'influxdb2').sentence).toBe('2 of 2 points written');
  });
  it('400 from 2.x or this endpoint: nothing was written, with the bad lines', () => {
    const o = writeOutcome(400, v2("unable to parse 'cpu,host=a usage=': missing field value\nunable to parse 'cpu,host=b usage=5 12x': bad timestamp", { line: 1 }), SIX, 'influxdb2');
    expect(o.sentence).toBe('nothing was written: InfluxDB rejects the whole batch when a line is bad (lines 1 and 6)');
    expect(o.written).toBe(0);
    expect(o.points).toBe(4);
  });
  it('422: written of points, the dropped lines', () => {
    const body = 'cpu usage=1.5 1\ncpu usage=2i 2\ncpu usage=3 3\ncpu usage=4 4\ncpu usage=5i 5\ncpu usage=6 6\n';
    const o = writeOutcome(422, JSON.stringify({ code: 'unprocessable entity', message: 'failure writing points to database: partial write: field type conflict: input field "usage" on measurement "cpu" is type integer, already exists as type float dropped=2' }), body, 'influxdb2');
    expect(o.sentence).toBe('4 of 6 points written; lines 2 and 5 dropped');
    expect(o.lines.map((v) => [v.line, v.outcome])).toEqual([[2, 'dropped'], [5, 'dropped']]);
  });
  it('422 whose reason names no line: the count, and that the lines are not known', () => {
    const o = writeOutcome(422, JSON.stringify({ code: 'unprocessable entity', message: 'failure writing points to database: partial write: points beyond retention policy dropped=1' }), 'a v=1 1\na v=2 2', 'influxdb2');
    expect(o.sentence).toBe('1 of 2 points written; 1 point dropped (the server does not say which lines)');
  });
  it("1.x's 400 partial write: the valid lines were written", () => {
    const body = 'cpu v=1 1\nbad line\ncpu v=2 2\ncpu v= 3\n';
    const o = writeOutcome(400, v1("partial write: unable to parse 'bad line': invalid field format\nunable to parse 'cpu v= 3': missing field value dropped=0"), body, 'influxdb1');
    expect(o.sentence).toBe('2 of 2 points written; lines 2 and 4 rejected');
  });
  it('refusals and failures', () => {
    expect(writeOutcome(401, v2('unauthorized access'), 'a v=1', 'influxdb2').sentence).toBe('nothing was written: the server refused the request (401)');
    expect(writeOutcome(500, v2('boom'), 'a v=1', 'influxdb2').sentence).toBe('the server failed (500): whether anything was written is not known');
    expect(writeOutcome(0, '', 'a v=1', 'influxdb2').sentence).toBe('no answer: whether anything was written is not known');
  });
  it('lineList', () => {
    expect([lineList([3]), lineList([2, 5]), lineList([1, 4, 9]), lineList([1, 2, 3, 4, 5, 6, 7])]).toEqual(['line 3', 'lines 2 and 5', 'lines 1, 4 and 9', 'lines 1, 2, 3, 4, 5, … (7 lines)']);
  });
});
