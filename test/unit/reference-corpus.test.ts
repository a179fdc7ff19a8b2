// The `reference` dialect against influxdata/line-protocol-corpus: the decode cases lp-v2 (the
// reference decoder) was run on, with its verdicts. Every case must agree (accept/reject and
// every value), except the ones listed with a reason in test/conformance/reference-differences.md.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from '../../lineprotocol/parse.js';
import type { Point, Precision } from '../../lineprotocol/types.js';
import { repoRoot, sharedPath } from '../support/shared.js';

// ---- the corpus ----

type Bin = string | { binary: string };
type CorpusValue =
  | { int: string }
  | { uint: string }
  | { float: number | string }
  | { bool: boolean }
  | { string: string }
  | { binary: string };
interface CorpusPoint {
  time: string;
  name: Bin;
  tags: { key: Bin; value: Bin }[];
  fields: { key: Bin; value: CorpusValue }[];
}
interface DecodeCase {
  input: { key: string; text: Bin; defaultTime: string; precision: string; implementation: string; about?: string };
  output: { result?: CorpusPoint[] | null; error?: string };
}

/** JSON.parse keeping every integer literal exact: integers become strings before parsing. */
function parseLossless(json: string): unknown {
  const quoted = json.replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g, (m) =>
    m.charCodeAt(0) === 34 || /[.eE]/.test(m) ? m : `"${m}"`,
  );
  return JSON.parse(quoted);
}

const PRECISIONS: Record<string, Precision> = { '1ns': 'ns', '1µs': 'us', '1ms': 'ms', '1s': 's', '1m': 'm', '1h': 'h' };

/** Decodes base64 bytes as UTF-8; `valid` is false when they are not valid UTF-8. */
function decodeBinary(b64: string): { text: string; valid: boolean } {
  const bytes = Buffer.from(b64, 'base64');
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), valid: true };
  } catch {
    return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), valid: false };
  }
}

function str(b: Bin): string {
  return typeof b === 'string' ? b : decodeBinary(b.binary).text;
}

function sameValue(f: Point['fields'][number], v: CorpusValue): boolean {
  if ('int' in v) return f.type === 'int' && f.value === v.int;
  if ('uint' in v) return f.type === 'uint' && f.value === v.uint;
  if ('float' in v) return f.type === 'float' && f.value === Number(v.float);
  if ('bool' in v) return f.type === 'bool' && f.value === v.bool;
  if ('string' in v) return f.type === 'string' && f.value === v.string;
  return f.type === 'string' && f.value === decodeBinary(v.binary).text;
}

function samePoint(p: Point, e: CorpusPoint): boolean {
  if (p.measurement !== str(e.name) || p.time !== BigInt(e.time).toString()) return false;
  const tags = e.tags ?? [];
  const fields = e.fields ?? [];
  if (p.tags.length !== tags.length || p.fields.length !== fields.length) return false;
  for (let i = 0; i < tags.length; i++) {
    if (p.tags[i].key !== str(tags[i].key) || p.tags[i].value !== str(tags[i].value)) return false;
  }
  for (let i = 0; i < fields.length; i++) {
    if (p.fields[i].key !== str(fields[i].key) || !sameValue(p.fields[i], fields[i].value)) return false;
  }
  return true;
}

interface Outcome {
  key: string;
  input: string;
  agree: boolean;
  /** The input bytes are not valid UTF-8 (the engine only sees the decoded text). */
  invalidUtf8: boolean;
  expected: string;
  ours: string;
}

/** JSON escaping without the quotes (control characters become visible). */
function esc(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

function renderPoints(ps: { name: string; tags: string; fields: string; time: string }[]): string {
  return ps.map((p) => `${p.name}${p.tags} ${p.fields} ${p.time}`).join('; ');
}

function runCase(c: DecodeCase): Outcome {
  const raw = c.input.text;
  const { text, valid } = typeof raw === 'string' ? { text: raw, valid: true } : decodeBinary(raw.binary);
  const precision = PRECISIONS[c.input.precision];
  if (precision === undefined) throw new Error(`unknown precision ${c.input.precision}`);
  const r = parse(text, { dialect: 'reference', precision, now: BigInt(c.input.defaultTime), crlf: 'strip' });
  const want = c.output.result ?? [];
  const agree =
    c.output.error !== undefined
      ? r.errors.length > 0
      : r.errors.length === 0 && r.points.length === want.length && r.points.every((p, i) => samePoint(p, want[i]));
  const ours =
    r.errors.length > 0
      ? `error: ${r.errors[0].reason}`
      : renderPoints(
          r.points.map((p) => ({
            name: JSON.stringify(p.measurement),
            tags: p.tags.map((t) => `,${esc(t.key)}=${esc(t.value)}`).join(''),
            fields: p.fields.map((f) => `${esc(f.key)}=${JSON.stringify(f.value)}(${f.type})`).join(','),
            time: p.time,
          })),
        ) || '(no points)';
  const expected =
    c.output.error !== undefined
      ? `error: ${c.output.error}`
      : renderPoints(
          want.map((p) => ({
            name: JSON.stringify(str(p.name)),
            tags: (p.tags ?? []).map((t) => `,${esc(str(t.key))}=${esc(str(t.value))}`).join(''),
            fields: (p.fields ?? []).map((f) => `${esc(str(f.key))}=${JSON.stringify(Object.values(f.value)[0])}(${Object.keys(f.value)[0]})`).join(','),
            time: p.time,
          })),
        ) || '(no points)';
  return { key: c.input.key, input: text, agree, invalidUtf8: !valid, expected, ours };
}

// ---- the listed differences ----

const DIFFERENCES = path.join(repoRoot, 'test/conformance/reference-differences.md');

/** Keys (first column) of the table rows in the differences file. */
function listedKeys(): Map<string, string> {
  const listed = new Map<string, string>();
  for (const line of readFileSync(DIFFERENCES, 'utf8').split('\n')) {
    const m = /^\|\s*`?([0-9a-f]{32})`?\s*\|/.exec(line);
    if (m) listed.set(m[1], line);
  }
  return listed;
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

/** A table row for a new difference (printed when one is missing from the file). */
function row(o: Outcome): string {
  const cell = (s: string) => truncate(s, 80).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const why = o.invalidUtf8 ? 'input is not valid UTF-8; the engine only sees the decoded text (U+FFFD)' : 'TODO';
  // U+FFFD marks bytes that were not valid UTF-8.
  const input = JSON.stringify(o.input).replace(/\uFFFD/g, '\\ufffd');
  return `| ${o.key} | \`${cell(input)}\` | ${cell(o.expected)} | ${cell(o.ours)} | ${why} |`;
}

describe('reference dialect: line-protocol corpus', () => {
  const corpus = parseLossless(readFileSync(sharedPath('conformance', 'line-protocol-corpus.json'), 'utf8')) as {
    decode: Record<string, DecodeCase>;
  };
  const cases = Object.values(corpus.decode);
  const outcomes = cases.map(runCase);
  const disagreeing = outcomes.filter((o) => !o.agree);
  const listed = listedKeys();

  it('has the decode cases', () => {
    expect(cases.length).toBeGreaterThan(6000);
  });

  it('agrees on at least 99.5% of the decode cases', () => {
    const rate = (outcomes.length - disagreeing.length) / outcomes.length;
    expect(rate).toBeGreaterThanOrEqual(0.995);
  });

  it('lists every disagreeing case in reference-differences.md', () => {
    const missing = disagreeing.filter((o) => !listed.has(o.key));
    expect(missing.map(row), 'add these rows (with the reason) to test/conformance/reference-differences.md').toEqual([]);
  });

  it('lists no case that now agrees, and no key outside the corpus', () => {
    const byKey = new Map(outcomes.map((o) => [o.key, o]));
    const stale = [...listed.keys()].filter((k) => byKey.get(k)?.agree !== false);
    expect(stale, 'remove these rows from test/conformance/reference-differences.md').toEqual([]);
  });
});
