// Placeholders in a document: `${now}`, `${now-5m}`, `${now+1h}` (the time in the document's
// precision) and `${name}` from the target's variables (its "Environment"). Resolved on Send and
// Copy as curl, shown resolved on hover, and checked after substitution: an unknown variable or a
// malformed offset is an error at its own position. Pure.
import { UNIT_NS } from '../lineprotocol/precision.js';
import type { Precision } from '../lineprotocol/types.js';

/** `${…}` on one line. */
export const PLACEHOLDER_PATTERN = /\$\{([^}\n]{0,200})\}/g;

const DURATION_UNITS: Record<string, bigint> = { ns: 1n, us: 1_000n, 'µs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n, d: 86_400_000_000_000n };

/** `5m`, `500ms`, `1h`, `2d` in nanoseconds; undefined when it is not one. */
export function parseDuration(s: string): bigint | undefined {
  const m = /^(\d{1,15})(ns|us|µs|ms|s|m|h|d)$/.exec(s);
  return m === null ? undefined : BigInt(m[1]) * DURATION_UNITS[m[2]];
}

export interface PlaceholderContext {
  nowMs: number;
  precision: Precision;
  /** The target's variables. */
  variables: Readonly<Record<string, string>>;
}

export interface PlaceholderSpan {
  /** Offsets of `${…}` in the text. */
  from: number;
  to: number;
  /** What it stands for, or the error. */
  value?: string;
  error?: string;
}

const floorDiv = (a: bigint, b: bigint) => (a % b !== 0n && a < 0n ? a / b - 1n : a / b);

/** What one placeholder's inside (`now-5m`, `host`) stands for. */
export function resolveOne(inner: string, ctx: PlaceholderContext): { value: string } | { error: string } {
  const name = inner.trim();
  const now = /^now(?:\s*([+-])\s*(\S+))?$/.exec(name);
  if (now !== null) {
    let ns = BigInt(Math.floor(ctx.nowMs)) * 1_000_000n;
    if (now[1] !== undefined) {
      const d = parseDuration(now[2]);
      if (d === undefined) return { error: `\${${name}}: "${now[2]}" is not a duration: write it like 30s, 5m, 1h or 2d` };
      ns = now[1] === '+' ? ns + d : ns - d;
    }
    return { value: floorDiv(ns, UNIT_NS[ctx.precision]).toString() };
  }
  if (Object.prototype.hasOwnProperty.call(ctx.variables, name)) return { value: ctx.variables[name] };
  return { error: `unknown variable \${${name}}: define "${name}" in this target's Environment (Tools, Environment…)` };
}

/** Every placeholder of the text, resolved. */
export function placeholderSpans(text: string, ctx: PlaceholderContext): PlaceholderSpan[] {
  if (!text.includes('${')) return [];
  const out: PlaceholderSpan[] = [];
  for (const m of text.matchAll(PLACEHOLDER_PATTERN)) {
    const r = resolveOne(m[1], ctx);
    out.push({ from: m.index, to: m.index + m[0].length, ...r });
  }
  return out;
}

export interface Substitution {
  text: string;
  spans: PlaceholderSpan[];
  errors: PlaceholderSpan[];
}

/** The text with every placeholder replaced; errors leave the placeholder as it was. */
export function substitute(text: string, ctx: PlaceholderContext): Substitution {
  const spans = placeholderSpans(text, ctx);
  if (spans.length === 0) return { text, spans, errors: [] };
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.from) + (s.value ?? text.slice(s.from, s.to));
    at = s.to;
  }
  return { text: out + text.slice(at), spans, errors: spans.filter((s) => s.error !== undefined) };
}

/**
 * One line after substitution, and how to map a column of it back to the line as written (a
 * column inside a substituted value maps to its placeholder's start). Columns are 1-based.
 */
export function substituteLine(line: string, ctx: PlaceholderContext): { text: string; spans: PlaceholderSpan[]; column: (substituted: number) => number } {
  const r = substitute(line, ctx);
  const pieces: { from: number; to: number; subFrom: number; subTo: number }[] = [];
  let shift = 0;
  for (const s of r.spans) {
    const len = (s.value ?? line.slice(s.from, s.to)).length;
    pieces.push({ from: s.from, to: s.to, subFrom: s.from + shift, subTo: s.from + shift + len });
    shift += len - (s.to - s.from);
  }
  const column = (c: number) => {
    const off = c - 1;
    let delta = 0;
    for (const p of pieces) {
      if (off < p.subFrom) break;
      if (off < p.subTo) return p.from + 1;
      delta = p.to - p.subTo;
    }
    return off + delta + 1;
  };
  return { text: r.text, spans: r.spans, column };
}
