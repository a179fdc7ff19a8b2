// Every vector InfluxDB's own Go parser produced must come out of our influxdb2 / influxdb1
// dialects identically: points, series keys, and the exact error texts.
import { describe, expect, it } from 'vitest';
import { influxErrorText, LineProtocolParser, parse } from '../../lineprotocol/parse.js';
import { influxPrecision } from '../../lineprotocol/precision.js';
import type { Dialect, Field, ParseOptions, Point, RecordError } from '../../lineprotocol/types.js';
import { canonicalQuotes, goFloat, readVectors, type VectorCase } from '../support/influx-vectors.js';

const NOW = 1700000000123456789n;

/** Runs the engine on the text, or on its UTF-8 bytes (the byte scanner, used for ASCII input). */
function run(text: string, opts: ParseOptions, bytes: boolean): { points: Point[]; errors: RecordError[] } {
  if (!bytes) return parse(text, opts);
  const points: Point[] = [];
  const errors: RecordError[] = [];
  const parser = new LineProtocolParser(opts, { point: (p) => points.push(p), error: (e) => errors.push(e) });
  parser.run(text, true, 0, undefined, new TextEncoder().encode(text));
  return { points, errors };
}
const q = JSON.stringify;

function renderFieldA(f: Field): string {
  switch (f.type) {
    case 'float': return `${q(f.key)}:Float=${q(goFloat(f.value))}`;
    case 'int': return `${q(f.key)}:Integer=${f.value}`;
    case 'uint': return `${q(f.key)}:Unsigned=${f.value}`;
    case 'string': return `${q(f.key)}:String=${q(f.value)}`;
    case 'bool': return `${q(f.key)}:Boolean=${f.value}`;
  }
}

function renderPartA(c: VectorCase, dialect: Dialect, bytes: boolean): string {
  const r = run(c.input, { dialect, ...influxPrecision(dialect, c.precision), now: NOW, warnings: false }, bytes);
  const parts: string[] = [];
  if (r.errors.length > 0) parts.push(`ERROR ${q(influxErrorText(r.errors))} ;`);
  for (const p of r.points) {
    const tags = p.tags.map((t) => `${q(t.key)}=${q(t.value)}`).join(',');
    parts.push(`POINT{series=${q(p.series)} tags=[${tags}] fields=[${p.fields.map(renderFieldA).join(', ')}] t=${p.time}}`);
  }
  return parts.length === 0 ? '(no points, no error)' : parts.join(' ');
}

function renderFieldB(f: Field): string {
  switch (f.type) {
    case 'float': return `field[${q(f.key)} Float ${goFloat(f.value)}]`;
    case 'int': return `field[${q(f.key)} Integer ${f.value}]`;
    case 'uint': return `field[${q(f.key)} Unsigned ${f.value}]`;
    case 'string': return `field[${q(f.key)} String ${q(f.value)}]`;
    case 'bool': return `field[${q(f.key)} Boolean ${f.value}]`;
  }
}

function renderPartB(c: VectorCase, dialect: Dialect, bytes: boolean): string {
  const r = run(c.input, { dialect, now: 0n, warnings: false }, bytes);
  const out: string[] = r.points.map((p: Point) =>
    [`point: name=${q(p.measurement)} seriesKey=${q(p.series)}`, ...p.tags.map((t) => `tag[${q(t.key)}=${q(t.value)}]`), ...p.fields.map(renderFieldB), `t=${p.time}`].join(' '),
  );
  if (r.errors.length > 0) out.push(`error: ${q(influxErrorText(r.errors))}`);
  return out.join('\n');
}

const cases = readVectors();

describe('InfluxDB parser vectors', () => {
  it('reads the vector file', () => {
    expect(cases.length).toBeGreaterThan(280);
  });

  for (const [dialect, label, bytes] of [['influxdb2', '2.x', false], ['influxdb1', '1.x', false], ['influxdb2', '2.x', true], ['influxdb1', '1.x', true]] as const) {
    describe(`${dialect}${bytes ? ' (byte scanner)' : ''}`, () => {
      for (const c of cases) {
        const expected = c.part === 'B' ? c.expected.get('both') : (c.expected.get(label) ?? c.expected.get('2.x'));
        it(`line ${c.lineNo}: ${JSON.stringify(c.input).slice(0, 70)} precision=${c.precision || '-'}`, () => {
          expect(expected).toBeDefined();
          const ours = c.part === 'B' ? renderPartB(c, dialect, bytes) : renderPartA(c, dialect, bytes);
          expect(canonicalQuotes(ours, false)).toBe(canonicalQuotes(expected!, c.part === 'B'));
        });
      }
    });
  }
});
