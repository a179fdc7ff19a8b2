// "Generate…": sample line protocol from a description (a measurement, tags with value sets,
// fields with a type and a range or a random walk, a count, a start and an interval).
// Deterministic: the same description and seed give the same text, byte for byte. Pure.
import { UNIT_NS } from '../lineprotocol/precision.js';
import type { Precision } from '../lineprotocol/types.js';

export interface FieldSpec {
  key: string;
  type: 'float' | 'int' | 'bool' | 'string';
  min: number;
  max: number;
  /** Each value a step away from the one before (within min..max) instead of independent. */
  walk: boolean;
}

export interface GenerateSpec {
  measurement: string;
  tags: { key: string; values: string[] }[];
  fields: FieldSpec[];
  count: number;
  /** The first point's time, and the step between points, in nanoseconds. */
  startNs: bigint;
  intervalNs: bigint;
  precision: Precision;
  seed: number;
}

/** mulberry32: a small, well-mixed 32-bit generator; floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const escapeName = (s: string) => s.replace(/([,= ])/g, '\\$1');
const escapeMeasurement = (s: string) => s.replace(/([, ])/g, '\\$1');
const floorDiv = (a: bigint, b: bigint) => (a % b !== 0n && a < 0n ? a / b - 1n : a / b);

export function generate(spec: GenerateSpec): string {
  const rnd = seededRandom(spec.seed);
  const last = spec.fields.map((f) => (f.min + f.max) / 2);
  const lines: string[] = [];
  const m = escapeMeasurement(spec.measurement);
  // Tags sorted by key: the canonical order.
  const tags = [...spec.tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let i = 0; i < spec.count; i++) {
    let line = m;
    for (const t of tags) if (t.values.length > 0) line += `,${escapeName(t.key)}=${escapeName(t.values[Math.floor(rnd() * t.values.length)])}`;
    const fields = spec.fields.map((f, k) => {
      let v: number;
      if (f.walk) {
        v = Math.min(f.max, Math.max(f.min, last[k] + (rnd() - 0.5) * (f.max - f.min) * 0.1));
        last[k] = v;
      } else v = f.min + rnd() * (f.max - f.min);
      const value =
        f.type === 'float' ? String(Math.round(v * 100) / 100) : f.type === 'int' ? `${Math.round(v)}i` : f.type === 'bool' ? String(rnd() < 0.5) : `"s${Math.round(v)}"`;
      return `${escapeName(f.key)}=${value}`;
    });
    const t = floorDiv(spec.startNs + BigInt(i) * spec.intervalNs, UNIT_NS[spec.precision]);
    lines.push(`${line} ${fields.join(',')} ${t}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** `host=a,b,c; region=eu,us` as tags with value sets. */
export function parseTagSpec(text: string): { tags: GenerateSpec['tags'] } | { error: string } {
  const tags: GenerateSpec['tags'] = [];
  for (const part of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { error: `"${part}": write a tag as key=value1,value2` };
    const values = part.slice(eq + 1).split(',').map((v) => v.trim()).filter(Boolean);
    if (values.length === 0) return { error: `"${part}": give the tag at least one value` };
    tags.push({ key: part.slice(0, eq).trim(), values });
  }
  return { tags };
}

/** `usage=float:0..100:walk; count=int:0..10; ok=bool` as fields. */
export function parseFieldSpec(text: string): { fields: FieldSpec[] } | { error: string } {
  const fields: FieldSpec[] = [];
  for (const part of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([^=]+)=(float|int|bool|string)(?::(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?))?(:walk)?$/.exec(part);
    if (m === null) return { error: `"${part}": write a field as key=float:0..100 (types float, int, bool, string; add :walk for a random walk)` };
    const min = m[3] === undefined ? 0 : Number(m[3]);
    const max = m[4] === undefined ? 100 : Number(m[4]);
    if (max < min) return { error: `"${part}": the range's end is below its start` };
    fields.push({ key: m[1].trim(), type: m[2] as FieldSpec['type'], min, max, walk: m[5] !== undefined });
  }
  if (fields.length === 0) return { error: 'give at least one field, e.g. value=float:0..100' };
  return { fields };
}
