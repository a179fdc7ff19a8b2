// The influxdb3 dialect's parser (lineprotocol/influxdb3.ts) against InfluxDB 3's own parser:
// test/conformance/influxdb3-vectors.json holds 4,000 bodies with the Rust crate's verdict for
// every record (values, error text, and how the crate prints the line), made by
// scripts/gen-influxdb3-vectors.js from the crate built offline. Every vector must agree exactly.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayV3Line, parseV3Lines, type V3Value } from '../../lineprotocol/influxdb3.js';
import { repoRoot } from '../support/shared.js';

type RustValue = { int: string } | { uint: string } | { float: string | number } | { string: string } | { bool: boolean };
type RustRecord = { error: string } | { measurement: string; tags: [string, string][]; fields: [string, RustValue][]; timestamp?: string; display: string };
interface Vector {
  input: string;
  records: RustRecord[];
}

const { vectors } = JSON.parse(readFileSync(path.join(repoRoot, 'test/conformance/influxdb3-vectors.json'), 'utf8')) as { vectors: Vector[] };

/** Our value in the generator's shape (floats compared as numbers: Rust's Debug spelling is not ours). */
function rustShape(v: V3Value): RustValue {
  switch (v.type) {
    case 'int':
      return { int: v.value.toString() };
    case 'uint':
      return { uint: v.value.toString() };
    case 'float':
      return { float: v.value };
    case 'string':
      return { string: v.value };
    case 'bool':
      return { bool: v.value };
  }
}

function rustFloat(s: string): number {
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (s === 'NaN') return NaN;
  return Number(s);
}

function normalise(r: RustRecord): unknown {
  if ('error' in r) return r;
  return {
    ...r,
    fields: r.fields.map(([k, v]) => [k, 'float' in v ? { float: rustFloat(String(v.float)) } : v]),
  };
}

function ours(input: string): unknown[] {
  return parseV3Lines(input).map((r) => {
    if (!r.result.ok) return { error: r.result.error };
    const l = r.result.line;
    const rec: Record<string, unknown> = {
      measurement: l.measurement,
      tags: l.tags.map((t) => [t.key, t.value]),
      fields: l.fields.map((f) => {
        const v = rustShape(f.value);
        return [f.key, v];
      }),
      display: displayV3Line(l),
    };
    if (l.timestamp !== undefined) rec.timestamp = l.timestamp.toString();
    return rec;
  });
}

describe('influxdb3 dialect: the Rust crate’s own verdicts', () => {
  it('has thousands of vectors, accepted and refused', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(4000);
    const records = vectors.flatMap((v) => v.records);
    expect(records.filter((r) => 'error' in r).length).toBeGreaterThan(1000);
    expect(records.filter((r) => !('error' in r)).length).toBeGreaterThan(1000);
  });

  it('agrees with every vector: same records, values, error texts and printed line', () => {
    const mismatches: string[] = [];
    for (const v of vectors) {
      const expected = v.records.map(normalise);
      const actual = ours(v.input);
      try {
        expect(actual).toEqual(expected);
      } catch {
        mismatches.push(`${JSON.stringify(v.input.length > 200 ? v.input.slice(0, 200) + '…' : v.input)}\n  rust: ${JSON.stringify(expected).slice(0, 600)}\n  ours: ${JSON.stringify(actual).slice(0, 600)}`);
      }
    }
    expect(mismatches.slice(0, 10).join('\n'), `${mismatches.length} of ${vectors.length} differ`).toBe('');
  });
});
