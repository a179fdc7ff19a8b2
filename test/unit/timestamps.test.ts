// The composer's timestamp tools: every precision pair (exact going finer, rounded down going
// coarser), negative times, times outside InfluxDB's range, records found across quoted strings,
// conversion of a selection, filling missing timestamps, and "now" in a precision.
import { describe, expect, it } from 'vitest';
import { convertTimestamp, convertTimestamps, fillTimestamps, nowIn, recordSpans } from '../../app/timestamps.js';
import { PRECISIONS, UNIT_NS } from '../../lineprotocol/precision.js';
import type { Precision } from '../../lineprotocol/types.js';

const apply = (text: string, edits: { from: number; to: number; insert: string }[]) =>
  [...edits].sort((a, b) => b.from - a.from).reduce((t, e) => t.slice(0, e.from) + e.insert + t.slice(e.to), text);

describe('convertTimestamp: every precision pair', () => {
  // 2023-11-14T22:13:20.123456789Z, in every unit (rounded down to it).
  const NS = 1700000000123456789n;
  const inUnit = (p: Precision) => NS / UNIT_NS[p];
  for (const from of PRECISIONS) {
    for (const to of PRECISIONS) {
      it(`${from} → ${to}`, () => {
        const raw = inUnit(from).toString();
        const r = convertTimestamp(raw, from, to);
        const ns = inUnit(from) * UNIT_NS[from];
        const expected = ns / UNIT_NS[to];
        expect(r).toEqual({ ok: true, value: expected.toString(), lossy: expected * UNIT_NS[to] !== ns });
        // Going finer and back is the identity.
        if (UNIT_NS[to] <= UNIT_NS[from]) expect(convertTimestamp(expected.toString(), to, from)).toEqual({ ok: true, value: raw, lossy: false });
      });
    }
  }

  it('negative times round down (before 1970 like after), both ways exact when finer', () => {
    expect(convertTimestamp('-1', 'ms', 's')).toEqual({ ok: true, value: '-1', lossy: true });
    expect(convertTimestamp('-1000', 'ms', 's')).toEqual({ ok: true, value: '-1', lossy: false });
    expect(convertTimestamp('-1500', 'ms', 's')).toEqual({ ok: true, value: '-2', lossy: true });
    expect(convertTimestamp('-1', 'h', 'ns')).toEqual({ ok: true, value: '-3600000000000', lossy: false });
    expect(convertTimestamp('-86400', 's', 'ms')).toEqual({ ok: true, value: '-86400000', lossy: false });
  });

  it('refuses times outside ±9223372036854775806 ns, and what is not an integer', () => {
    expect(convertTimestamp('9223372036854775806', 'ns', 'ns')).toEqual({ ok: true, value: '9223372036854775806', lossy: false });
    expect(convertTimestamp('-9223372036854775806', 'ns', 'ms')).toEqual({ ok: true, value: '-9223372036855', lossy: true });
    expect(convertTimestamp('9223372036854775807', 'ns', 's')).toEqual({ ok: false, reason: expect.stringMatching(/outside the times InfluxDB stores/) });
    expect(convertTimestamp('9223372036854776', 'ms', 'ns')).toEqual({ ok: false, reason: expect.stringMatching(/9223372036854776 ms is outside/) });
    expect(convertTimestamp('-2562048', 'h', 'ns')).toEqual({ ok: false, reason: expect.stringMatching(/outside/) });
    expect(convertTimestamp('2562047', 'h', 'ns')).toEqual({ ok: true, value: (2562047n * 3_600_000_000_000n).toString(), lossy: false });
    expect(convertTimestamp('12x', 'ms', 'ns')).toEqual({ ok: false, reason: '"12x" is not an integer timestamp' });
  });
});

describe('recordSpans', () => {
  it('finds each record and its timestamp; skips comments and blank lines; follows escapes and quoted strings across lines', () => {
    const text = '# c 1\n\ncpu,host=a\\ b v=1 10\r\nmem v="a b\nc 5" 20\nnotime v=1\nsp v=1   30  \n';
    const spans = recordSpans(text);
    expect(spans.map((s) => [s.line, text.slice(s.from, s.to), s.time && text.slice(s.time.from, s.time.to)])).toEqual([
      [3, 'cpu,host=a\\ b v=1 10', '10'],
      [4, 'mem v="a b\nc 5" 20', '20'],
      [6, 'notime v=1', undefined],
      [7, 'sp v=1   30  ', '30'],
    ]);
  });
});

describe('convertTimestamps', () => {
  const doc = 'a v=1 1700000000000\n# 1700000000000\nb v=2\nc v=3 -1\nd v=4 9223372036854776\n';
  it('rewrites every timestamp of the document; says what it left', () => {
    const r = convertTimestamps(doc, 'ms', 'ns');
    expect(apply(doc, r.edits)).toBe('a v=1 1700000000000000000\n# 1700000000000\nb v=2\nc v=3 -1000000\nd v=4 9223372036854776\n');
    expect(r).toMatchObject({ converted: 2, lossy: 0, untimed: 1, refused: [{ line: 5, reason: expect.stringMatching(/outside/) }] });
  });

  it('or only the records of a selection', () => {
    const from = doc.indexOf('c v=3');
    const r = convertTimestamps(doc, 's', 'ms', { from, to: from + 3 });
    expect(apply(doc, r.edits)).toBe(doc.replace('c v=3 -1', 'c v=3 -1000'));
  });
});

describe('fillTimestamps and nowIn', () => {
  it('gives each record without a timestamp start, start + interval, …', () => {
    const doc = 'a v=1\nb v=2 5\nc v=3 \r\n# x\nd v=4';
    const r = fillTimestamps(doc, 100n, 10n);
    expect(r.filled).toBe(3);
    expect(apply(doc, r.edits)).toBe('a v=1 100\nb v=2 5\nc v=3 110\r\n# x\nd v=4 120');
  });

  it('now in each precision, rounded down', () => {
    const ms = Date.UTC(2026, 11, 3, 14, 30, 15, 250);
    expect(nowIn('ns', ms)).toBe(`${ms}000000`);
    expect(nowIn('us', ms)).toBe(`${ms}000`);
    expect(nowIn('ms', ms)).toBe(`${ms}`);
    expect(nowIn('s', ms)).toBe(`${Math.floor(ms / 1000)}`);
    expect(nowIn('m', ms)).toBe(`${Math.floor(ms / 60000)}`);
    expect(nowIn('h', ms)).toBe(`${Math.floor(ms / 3600000)}`);
    expect(nowIn('s', -1)).toBe('-1');
  });
});
