// The composer's text tools: placeholders (resolution, offsets, unknown variables at their
// position, columns mapped back), Format document (canonical form, never a different point), and
// Generate (deterministic with a seed, valid line protocol).
import { describe, expect, it } from 'vitest';
import { formatDocument, formatRecord } from '../../app/format.js';
import { generate, parseFieldSpec, parseTagSpec, seededRandom, type GenerateSpec } from '../../app/generate.js';
import { parseDuration, placeholderSpans, resolveOne, substitute, substituteLine } from '../../app/placeholders.js';
import { parse, validate } from '../../lineprotocol/parse.js';

const NOW = Date.UTC(2026, 11, 3, 14, 0, 0, 123);
const ctx = (precision: 'ns' | 'ms' | 's' | 'h' = 's', variables: Record<string, string> = { host: 'server-1', v: '42' }) => ({ nowMs: NOW, precision, variables });
const apply = (text: string, edits: { from: number; to: number; insert: string }[]) =>
  [...edits].sort((a, b) => b.from - a.from).reduce((t, e) => t.slice(0, e.from) + e.insert + t.slice(e.to), text);

describe('placeholders', () => {
  it('${now} in the precision, with offsets; ${name} from the variables', () => {
    expect(resolveOne('now', ctx('s'))).toEqual({ value: String(Math.floor(NOW / 1000)) });
    expect(resolveOne('now', ctx('ns'))).toEqual({ value: `${NOW}000000` });
    expect(resolveOne('now', ctx('ms'))).toEqual({ value: `${NOW}` });
    expect(resolveOne('now-5m', ctx('s'))).toEqual({ value: String(Math.floor(NOW / 1000) - 300) });
    expect(resolveOne('now+1h', ctx('h'))).toEqual({ value: String(Math.floor(NOW / 3600000) + 1) });
    expect(resolveOne('now - 250ms', ctx('ms'))).toEqual({ value: String(NOW - 250) });
    expect(resolveOne('host', ctx())).toEqual({ value: 'server-1' });
    expect(resolveOne('now-5x', ctx())).toEqual({ error: expect.stringMatching(/"5x" is not a duration/) });
    expect(parseDuration('2d')).toBe(172_800_000_000_000n);
    expect(parseDuration('5')).toBeUndefined();
  });

  it('substitutes every placeholder; an unknown variable is an error at its position and stays as written', () => {
    const text = 'cpu,host=${host} v=${v} ${now}\nmem,dc=${dc} v=1 ${now-1m}';
    const r = substitute(text, ctx('s'));
    const s = Math.floor(NOW / 1000);
    expect(r.text).toBe(`cpu,host=server-1 v=42 ${s}\nmem,dc=\${dc} v=1 ${s - 60}`);
    expect(r.errors).toEqual([{ from: text.indexOf('${dc}'), to: text.indexOf('${dc}') + 5, error: expect.stringMatching(/unknown variable \$\{dc\}: define "dc"/) }]);
    expect(placeholderSpans('no placeholders here', ctx())).toEqual([]);
  });

  it('maps columns of the substituted line back to the line as written', () => {
    const line = 'cpu,host=${host} v=oops ${now}';
    const sub = substituteLine(line, ctx('s'));
    // The engine finds the bad value in the substituted line; its column is the one as written.
    const d = validate(sub.text, { precision: 's' }).diagnostics.find((x) => x.severity === 'error')!;
    expect(line.slice(sub.column(d.column) - 1)).toMatch(/^oops/);
    // A column inside a substituted value is the placeholder's start.
    expect(sub.column(sub.text.indexOf('server-1') + 3)).toBe(line.indexOf('${host}') + 1);
  });
});

describe('Format document', () => {
  it('sorts tags by key, normalises escaping, one space between parts; values and times as written', () => {
    expect(formatRecord('cpu,zone=b,host=a,az=c   v=1.50,n=3i  1700000000000000000')).toBe('cpu,az=c,host=a,zone=b v=1.50,n=3i 1700000000000000000');
    expect(formatRecord('my\\ cpu,b\\=x=1\\,2,a=\\z v="a, b=c"')).toBe('my\\ cpu,a=\\z,b\\=x=1\\,2 v="a, b=c"');
  });

  it('rewrites only records that read back as the same point; comments, blank and invalid lines stay', () => {
    const text = '# comment\ncpu,z=1,a=2 v=1 1\n\nbad,z=1,a=2 v= 1\ncpu,a=1,z=2 v=1 2\r\nstr,b=1,a=2 s="multi\nline" 3\n';
    const r = formatDocument(text);
    const out = apply(text, r.edits);
    expect(out).toBe('# comment\ncpu,a=2,z=1 v=1 1\n\nbad,z=1,a=2 v= 1\ncpu,a=1,z=2 v=1 2\r\nstr,a=2,b=1 s="multi\nline" 3\n');
    expect(r.changed.map((c) => c.line)).toEqual([2, 6]);
    // Same points, same series keys.
    const key = (t: string) => parse(t, { now: 0n }).points.map((p) => [p.series, p.fields, p.time]);
    expect(key(out)).toEqual(key(text));
    // Formatting the formatted text changes nothing.
    expect(formatDocument(out).edits).toEqual([]);
  });
});

describe('Generate', () => {
  const spec = (seed: number): GenerateSpec => ({
    measurement: 'cpu load',
    tags: [
      { key: 'region', values: ['eu', 'us'] },
      { key: 'host', values: ['a', 'b', 'c'] },
    ],
    fields: [
      { key: 'usage', type: 'float', min: 0, max: 100, walk: true },
      { key: 'n', type: 'int', min: 0, max: 10, walk: false },
      { key: 'ok', type: 'bool', min: 0, max: 1, walk: false },
    ],
    count: 1000,
    startNs: 1_700_000_000_000_000_000n,
    intervalNs: 10_000_000_000n,
    precision: 's',
    seed,
  });

  it('the same seed gives the same text; another seed another', () => {
    const a = generate(spec(42));
    expect(generate(spec(42))).toBe(a);
    expect(generate(spec(43))).not.toBe(a);
    expect(seededRandom(1)()).toBe(seededRandom(1)());
  });

  it('is valid line protocol: count points, tags sorted, times start + i·interval in the precision, within the ranges', () => {
    const text = generate(spec(7));
    const r = parse(text, { precision: 's' });
    expect(r.errors).toEqual([]);
    expect(r.points).toHaveLength(1000);
    expect(text.split('\n')[0]).toMatch(/^cpu\\ load,host=[abc],region=(eu|us) usage=[\d.]+,n=\d+i,ok=(true|false) 1700000000$/);
    expect(r.points[999].time).toBe(String(1_700_000_000_000_000_000n + 999n * 10_000_000_000n));
    for (const p of r.points) {
      const usage = p.fields.find((f) => f.key === 'usage')!;
      expect(usage.type).toBe('float');
      expect(usage.value).toBeGreaterThanOrEqual(0);
      expect(usage.value).toBeLessThanOrEqual(100);
    }
  });

  it('reads its description: tags and fields, with clear errors', () => {
    expect(parseTagSpec('host=a,b; region=eu')).toEqual({ tags: [{ key: 'host', values: ['a', 'b'] }, { key: 'region', values: ['eu'] }] });
    expect(parseTagSpec('host')).toEqual({ error: expect.stringMatching(/write a tag as key=value1,value2/) });
    expect(parseFieldSpec('usage=float:0..100:walk; n=int:1..5; ok=bool')).toEqual({
      fields: [
        { key: 'usage', type: 'float', min: 0, max: 100, walk: true },
        { key: 'n', type: 'int', min: 1, max: 5, walk: false },
        { key: 'ok', type: 'bool', min: 0, max: 100, walk: false },
      ],
    });
    expect(parseFieldSpec('x=float:5..1')).toEqual({ error: expect.stringMatching(/below its start/) });
    expect(parseFieldSpec('')).toEqual({ error: expect.stringMatching(/at least one field/) });
  });
});
