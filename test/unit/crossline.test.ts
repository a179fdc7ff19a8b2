// Cross-line warnings (same series and time twice, a field with two types) over hashed state:
// exact despite hash collisions, complete within the memory bound, and bounded beyond it.
import { describe, expect, it } from 'vitest';
import { CrossLineChecks } from '../../lineprotocol/crossline.js';
import { LineProtocolParser, parse, type EngineOptions } from '../../lineprotocol/parse.js';
import type { Diagnostic } from '../../lineprotocol/types.js';

const NOW = 1700000000000000000n;
const T = 1700000000000000000n;
const CROSS = new Set(['duplicate-point', 'duplicate-no-timestamp', 'field-type-conflict', 'duplicate-check-degraded']);
const cross = (ds: Diagnostic[]) => ds.filter((d) => CROSS.has(d.code)).map((d) => `${d.line} ${d.code} ${d.message}`);

/** Cross-line findings of the whole text, three ways: from record shapes (text and bytes) and from built points. */
function findings(text: string, opts: EngineOptions = {}): string[] {
  const o = { now: NOW, ...opts } as EngineOptions;
  const viaShapes = cross(validateShapes(text, o, false));
  expect(cross(validateShapes(text, o, true))).toEqual(viaShapes);
  expect(cross(parse(text, o).diagnostics)).toEqual(viaShapes);
  return viaShapes;
}

function validateShapes(text: string, opts: EngineOptions, bytes: boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  const p = new LineProtocolParser(opts, { error: (_e, d) => out.push(d), warning: (d) => out.push(d) }, false);
  if (bytes) p.push(text, new TextEncoder().encode(text));
  else p.push(text);
  p.end();
  return out;
}

/** Lines that differ in every way a key can (series, tag order, time, measurement, field), with true repeats. */
function mixedDocument(): { text: string; expected: string[] } {
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) lines.push(`cpu,host=h${i % 10},dc=d${i % 3} v=${i}i ${T + BigInt(i % 30)}`);
  // Sorted tags: the same series as the unsorted line 1 (host=h0,dc=d0 at T).
  lines.push(`cpu,dc=d0,host=h0 v=1i ${T}`);
  // Same tags, other measurement; same series, other time: not duplicates.
  lines.push(`mem,host=h0,dc=d0 v=1i ${T}`, `cpu,host=h0,dc=d0 v=1i ${T + 1000n}`);
  // A type conflict, and the same field name in another measurement with another type (fine).
  lines.push(`cpu,host=zz v=1.5 ${T + 5000n}`, `disk,host=zz v=1.5 ${T}`);
  const text = lines.join('\n') + '\n';
  // Lines 31-60 repeat lines 1-30 (i and i+30 share host, dc and time).
  const expected: string[] = [];
  for (let l = 31; l <= 60; l++) expected.push(`${l} duplicate-point same series and timestamp as line ${l - 30}; InfluxDB keeps one point and overwrites its fields`);
  expected.push('61 duplicate-point same series and timestamp as line 1; InfluxDB keeps one point and overwrites its fields');
  expected.push('64 field-type-conflict field "v" of "cpu" is a float here but an integer on line 1; InfluxDB will reject one of them as a field type conflict');
  return { text, expected };
}

describe('cross-line checks over hashed state', () => {
  it('find exactly the true duplicates and conflicts, with the default hash', () => {
    const { text, expected } = mixedDocument();
    expect(findings(text)).toEqual(expected);
  });

  it('give no false warning when every key collides (hash forced to one value), and still find the true ones', () => {
    const { text, expected } = mixedDocument();
    expect(findings(text, { crossLineOptions: { hashBits: 0 } })).toEqual(expected);
    expect(findings(text, { crossLineOptions: { hashBits: 1 } })).toEqual(expected);
    // Directly: keys that differ in one character, or only in their time, all in one bucket.
    const c = new CrossLineChecks({ hashBits: 0 });
    const point = (series: string, time: string, line: number) => ({ measurement: 'm', series, time, timestamped: true, line, fields: [{ key: 'f', type: 'int' as const }] });
    expect(c.check(point('m,a=1', '10', 1))).toBeNull();
    expect(c.check(point('m,a=2', '10', 2))).toBeNull();
    expect(c.check(point('m,a=1', '11', 3))).toBeNull();
    expect(c.check(point('m,a=1', '1000000010', 4))).toBeNull(); // same last nine digits as 10
    expect(c.check(point('m,a=1', '-10', 5))).toBeNull();
    expect(c.check(point('m,a=10', '10', 6))).toBeNull();
    expect(c.check(point('m,a=1', '10', 7))?.map((f) => f.message)).toEqual(['same series and timestamp as line 1; InfluxDB keeps one point and overwrites its fields']);
    expect(c.check(point('m,a=1', '-10', 8))?.map((f) => f.message)).toEqual(['same series and timestamp as line 5; InfluxDB keeps one point and overwrites its fields']);
  });

  it('find repeats of earlier times in a series whose times mostly grow, and none among new times', () => {
    // Times past a series' latest are added without a lookup: earlier ones must still be found.
    const at = [5n, 1n, 3n, 1n, 5n, 2n, 6n, 4n, 6n];
    const lines = at.flatMap((t) => [`cpu,host=a,dc=x v=1i ${T + t}`, `cpu,dc=y,host=b v=1i ${T + t * 2n}`]);
    const text = lines.join('\n') + '\n';
    const dup = (line: number, first: number) => `${line} duplicate-point same series and timestamp as line ${first}; InfluxDB keeps one point and overwrites its fields`;
    const expected = [dup(7, 3), dup(8, 4), dup(9, 1), dup(10, 2), dup(17, 13), dup(18, 14)];
    expect(findings(text)).toEqual(expected);
    expect(findings(text, { crossLineOptions: { hashBits: 0 } })).toEqual(expected);
  });

  it('remember every point within the bound: a repeat 250,000 points later is still found', () => {
    // (The former checks forgot everything every 200,000 points.)
    const n = 250_000;
    const lines = Array.from({ length: n }, (_, i) => `cpu,host=h${i % 1000} v=1i ${T + BigInt(i)}`);
    lines.push(`cpu,host=h0 v=2i ${T}`);
    const found = cross(validateShapes(lines.join('\n') + '\n', { now: NOW }, true));
    expect(found).toEqual([`${n + 1} duplicate-point same series and timestamp as line 1; InfluxDB keeps one point and overwrites its fields`]);
  });

  it('stop growing at the memory bound, say so once, and still give no false warning', () => {
    const bound = 256 * 1024;
    const n = 40_000;
    const lines = Array.from({ length: n }, (_, i) => `cpu,host=h${i} v=1i ${T + BigInt(i)}`);
    // True repeats of the first lines (remembered before the bound was reached), at the end.
    lines.push(`cpu,host=h0 v=1i ${T}`, `cpu,host=h1 v=1i ${T + 1n}`);
    const text = lines.join('\n') + '\n';
    const found = cross(validateShapes(text, { now: NOW, crossLineOptions: { memoryBytes: bound } }, true));
    const notices = found.filter((f) => f.includes('duplicate-check-degraded'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^\d+ duplicate-check-degraded duplicate check stopped after \d+ points: memory bound of 0\.25 MiB reached/);
    expect(found.filter((f) => !f.includes('duplicate-check-degraded'))).toEqual([
      `${n + 1} duplicate-point same series and timestamp as line 1; InfluxDB keeps one point and overwrites its fields`,
      `${n + 2} duplicate-point same series and timestamp as line 2; InfluxDB keeps one point and overwrites its fields`,
    ]);
    // The tables themselves stay within the bound.
    const c = new CrossLineChecks({ memoryBytes: bound });
    for (let i = 0; i < n; i++) c.check({ measurement: 'cpu', series: `cpu,host=h${i}`, time: String(T + BigInt(i)), timestamped: true, line: i + 1, fields: [{ key: 'v', type: 'int' }] });
    expect(c.full).toBe(true);
    expect(c.memoryBytes).toBeLessThanOrEqual(bound);
    // Without a bound that small, the same input fits and no notice is given.
    expect(cross(validateShapes(text, { now: NOW }, true)).some((f) => f.includes('degraded'))).toBe(false);
  });
});
