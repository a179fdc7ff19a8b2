// The endpoint parses a body once and builds its points later from the records' shapes
// (ShapeBatch). Those points must be exactly the points the parser builds itself: checked on
// every input of InfluxDB's own vectors (both dialects, text and byte scanner) and on escapes.
import { describe, expect, it } from 'vitest';
import { LineProtocolParser, type EngineOptions } from '../../lineprotocol/parse.js';
import { influxPrecision } from '../../lineprotocol/precision.js';
import type { RecordShape } from '../../lineprotocol/record.js';
import { ShapeBatch } from '../../lineprotocol/shape-batch.js';
import type { Dialect, Point } from '../../lineprotocol/types.js';
import { readVectors } from '../support/influx-vectors.js';

const NOW = 1700000000123456789n;

function built(text: string, opts: EngineOptions, bytes: Uint8Array | undefined): { points: Point[]; errors: number } {
  const points: Point[] = [];
  let errors = 0;
  const p = new LineProtocolParser(opts, { point: (x) => points.push(x), error: () => errors++ });
  p.run(text, true, 0, 1, bytes);
  p.end();
  return { points, errors };
}

function fromShapes(text: string, opts: EngineOptions, bytes: Uint8Array | undefined): { points: Point[]; errors: number } {
  const batch = new ShapeBatch(text);
  let errors = 0;
  let pending: RecordShape | null = null;
  const withShapes: EngineOptions = { ...opts, shapes: true };
  const p = new LineProtocolParser(
    withShapes,
    {
      accepted: (_t, point, shape) => {
        expect(point).toBeNull();
        pending = shape;
      },
      error: () => errors++,
      unit: (_s, _e, line) => {
        if (pending === null) return;
        if (batch.add(pending, line) !== null) errors++;
        pending = null;
      },
    },
    false,
  );
  p.run(text, true, 0, 1, bytes);
  p.end();
  // Built in two slices, as the store applies them.
  const half = batch.n >> 1;
  return { points: [...batch.points(0, half), ...batch.points(half, batch.n)], errors };
}

const ascii = (t: string) => (/^[\x00-\x7f]*$/.test(t) ? new TextEncoder().encode(t) : undefined);

describe('points built from shapes = points the parser builds', () => {
  const cases = readVectors();
  for (const dialect of ['influxdb2', 'influxdb1'] as Dialect[]) {
    for (const bytes of [false, true]) {
      it(`every vector input, ${dialect}, ${bytes ? 'byte scanner' : 'text scanner'}`, () => {
        let compared = 0;
        for (const c of cases) {
          const opts: EngineOptions = { dialect, ...influxPrecision(dialect, c.precision), now: NOW, warnings: false, crlf: 'strip' };
          const b = bytes ? ascii(c.input) : undefined;
          const want = built(c.input, opts, b);
          const got = fromShapes(c.input, opts, b);
          expect(got, c.input).toEqual(want);
          compared += want.points.length;
        }
        expect(compared).toBeGreaterThan(100);
      });
    }
  }

  it('escapes, unsorted tags, strings, every type, lines without a timestamp', () => {
    const text = [
      'm\\ x,b=2,a\\,1=x\\ y f\\=1=1i,s="q\\"uo\\\\te",u=3u,t=true 1',
      'cpu,z=1,a=2 v=1.5,w=-7i',
      'cpu,a=2,z=1 v=2e3',
      'weird\\\\,t=x\\\\y v="a,b c"',
      'cpu,host=h1 big=123456789012345678i,neg=-0.0 1700000000',
    ].join('\n');
    for (const precision of ['ns', 's'] as const) {
      const opts: EngineOptions = { dialect: 'influxdb2', precision, now: NOW, warnings: false, crlf: 'strip' };
      const want = built(text, opts, undefined);
      expect(want.errors).toBe(0);
      expect(want.points).toHaveLength(5);
      expect(fromShapes(text, opts, undefined)).toEqual(want);
      expect(fromShapes(text, opts, new TextEncoder().encode(text))).toEqual(want);
    }
  });
});
