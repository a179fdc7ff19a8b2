// The serializer against the `encode` cases of influxdata/line-protocol-corpus: every point the
// reference encoder (lp-v2) wrote must come out byte for byte the same, every point it refused
// must be refused. Cases we cannot match for a principled reason are listed, with the reason, in
// test/conformance/serializer-differences.md; the test checks that list is exact.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from '../../lineprotocol/parse.js';
import { SerializeError, serializePoint, serializePoints, type SerializablePoint } from '../../lineprotocol/serialize.js';
import type { Dialect, Field, Precision } from '../../lineprotocol/types.js';
import { repoRoot, sharedPath } from '../support/shared.js';

type Bin = string | { binary: string };
type CorpusValue =
  | { int: string }
  | { uint: string }
  | { float: string | number }
  | { bool: boolean }
  | { string: string }
  | { binary: string }
  | { floatNonNumber: 'NaN' | 'Inf' };
interface CorpusPoint {
  time: string;
  name: Bin;
  tags: { key: Bin; value: Bin }[] | null;
  fields: { key: Bin; value: CorpusValue }[] | null;
}
interface EncodeCase {
  input: { key: string; point: CorpusPoint; precision: string; implementation: string; about?: string };
  output: { result?: Bin; error?: string };
}

/** JSON.parse keeping every integer literal exact: integer literals are quoted before parsing. */
function parseLossless(json: string): unknown {
  return JSON.parse(
    json.replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g, (m) =>
      m.charCodeAt(0) === 34 || /[.eE]/.test(m) ? m : `"${m}"`,
    ),
  );
}

/** Base64 bytes decoded as UTF-8. */
function str(b: Bin): string {
  return typeof b === 'string' ? b : new TextDecoder('utf-8', { ignoreBOM: true }).decode(Buffer.from(b.binary, 'base64'));
}

const PRECISIONS: Record<string, Precision> = { '1ns': 'ns', '1µs': 'us', '1ms': 'ms', '1s': 's', '1m': 'm', '1h': 'h' };

function toField(key: string, v: CorpusValue): Field {
  if ('int' in v) return { key, type: 'int', value: v.int };
  if ('uint' in v) return { key, type: 'uint', value: v.uint };
  if ('float' in v) return { key, type: 'float', value: Number(v.float) };
  if ('bool' in v) return { key, type: 'bool', value: v.bool };
  if ('string' in v) return { key, type: 'string', value: v.string };
  if ('binary' in v) return { key, type: 'string', value: str(v) };
  return { key, type: 'float', value: v.floatNonNumber === 'NaN' ? NaN : Infinity };
}

function toPoint(p: CorpusPoint): SerializablePoint {
  return {
    measurement: str(p.name),
    tags: (p.tags ?? []).map((t) => ({ key: str(t.key), value: str(t.value) })),
    fields: (p.fields ?? []).map((f) => toField(str(f.key), f.value)),
    time: p.time,
  };
}

const corpus = parseLossless(readFileSync(sharedPath('conformance', 'line-protocol-corpus.json'), 'utf8')) as {
  encode: Record<string, EncodeCase>;
};
const cases = Object.values(corpus.encode);

/** Keys listed in the differences file (first column of its table). */
function listedDifferences(): Set<string> {
  const md = readFileSync(path.join(repoRoot, 'test', 'conformance', 'serializer-differences.md'), 'utf8');
  const keys = new Set<string>();
  for (const m of md.matchAll(/^\|\s*([0-9a-f]{32})\s*\|/gm)) keys.add(m[1]);
  return keys;
}

interface Outcome {
  key: string;
  ok: boolean;
  detail: string;
}

function run(c: EncodeCase, dialect: Dialect): Outcome {
  const key = c.input.key;
  const point = toPoint(c.input.point);
  const precision = PRECISIONS[c.input.precision];
  let got: string | Error;
  try {
    got = serializePoint(point, { precision, dialect });
  } catch (e) {
    got = e as Error;
  }
  if (c.output.error !== undefined) {
    if (got instanceof SerializeError) return { key, ok: true, detail: '' };
    return { key, ok: false, detail: `expected an error (${c.output.error}), got ${got instanceof Error ? got.stack : JSON.stringify(got)}` };
  }
  const want = str(c.output.result!);
  if (got instanceof Error) return { key, ok: false, detail: `expected ${JSON.stringify(want)}, threw ${got.message}` };
  if (got !== want) return { key, ok: false, detail: `expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}` };
  return { key, ok: true, detail: '' };
}

describe('serializer vs line-protocol corpus (encode)', () => {
  it('has the encode cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  for (const dialect of ['influxdb2', 'influxdb1', 'reference'] as const) {
    it(`matches every encode case (${dialect}), except the listed differences`, () => {
      const failing = cases.map((c) => run(c, dialect)).filter((o) => !o.ok);
      const listed = listedDifferences();
      const unexpected = failing.filter((o) => !listed.has(o.key));
      expect(unexpected.map((o) => `${o.key}: ${o.detail}`)).toEqual([]);
      const fixed = [...listed].filter((k) => !failing.some((o) => o.key === k));
      expect(fixed, 'listed in serializer-differences.md but passing now').toEqual([]);
    });
  }

  it('serializePoints writes newline-terminated lines', () => {
    const ok = cases.filter((c) => c.output.result !== undefined);
    const text = serializePoints(ok.map((c) => toPoint(c.input.point)));
    expect(text).toBe(ok.map((c) => str(c.output.result!) + '\n').join(''));
  });

  it('every written line reads back to the corpus point in each dialect', () => {
    for (const c of cases) {
      if (c.output.result === undefined) continue;
      const text = str(c.output.result);
      const want = toPoint(c.input.point);
      for (const dialect of ['influxdb2', 'influxdb1', 'reference'] as const) {
        const r = parse(text, { dialect, now: 0n, warnings: false, precision: PRECISIONS[c.input.precision] });
        expect(r.errors, `${c.input.key} ${dialect}`).toEqual([]);
        expect(r.points.length).toBe(1);
        const p = r.points[0];
        expect(p.measurement).toBe(want.measurement);
        const sortKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
        expect([...p.tags].sort(sortKey)).toEqual([...want.tags!].sort(sortKey));
        expect(p.fields).toEqual(want.fields);
        expect(p.time).toBe(BigInt(want.time as string).toString());
      }
    }
  });
});
