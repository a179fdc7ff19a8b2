// InfluxQL's aggregates and selectors over one window of one series, with InfluxDB 1.x's types
// (sum of integers stays integer, mean is float, selectors keep the point they picked).
import { StatementError } from './errors.js';
import { isNumeric, toNumber, type Value } from './values.js';

export interface TV {
  time: bigint;
  value: Value;
  /** The row the value came from (selectors show its other columns). */
  index: number;
}

export interface Picked {
  value: Value;
  /** The chosen point, for selectors. */
  point?: TV;
}

/** Functions that return one value per window. */
export const AGGREGATES = new Set(['count', 'sum', 'mean', 'median', 'mode', 'spread', 'stddev', 'min', 'max', 'first', 'last', 'percentile', 'integral']);
/** Functions that pick a point (its time is shown when no GROUP BY time()). */
export const SELECTORS = new Set(['min', 'max', 'first', 'last', 'percentile', 'top', 'bottom', 'sample']);
/** Functions returning several rows per window. */
export const MULTI_ROW = new Set(['distinct', 'top', 'bottom']);
/** Functions that take only numbers. */
export const NUMERIC_ONLY = new Set(['sum', 'mean', 'median', 'spread', 'stddev', 'min', 'max', 'percentile', 'top', 'bottom']);

function numeric(points: TV[], fn: string): (number | bigint)[] {
  const out: (number | bigint)[] = [];
  for (const p of points) {
    if (isNumeric(p.value)) out.push(p.value);
    else if (p.value !== null) throw new StatementError(`unsupported ${fn} iterator type: ${typeof p.value === 'string' ? '*query.stringReduceStringIterator' : '*query.booleanReduceBooleanIterator'}`);
  }
  return out;
}

const cmp = (a: number | bigint, b: number | bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** One value of an aggregate over a window's points (in time order). */
export function aggregate(fn: string, points: TV[], arg?: number): Picked {
  const present = points.filter((p) => p.value !== null);
  switch (fn) {
    case 'count':
      // No points at all: null (fill(null) shows 0 for an empty window of a GROUP BY time()).
      return { value: present.length === 0 ? null : BigInt(present.length) };
    case 'sum': {
      const v = numeric(present, fn);
      if (v.length === 0) return { value: null };
      if (v.every((x) => typeof x === 'bigint')) return { value: BigInt.asIntN(64, (v as bigint[]).reduce((a, b) => a + b, 0n)) };
      return { value: v.reduce<number>((a, b) => a + toNumber(b), 0) };
    }
    case 'mean': {
      const v = numeric(present, fn);
      if (v.length === 0) return { value: null };
      // InfluxDB keeps a running mean: sum then divide.
      let sum = 0;
      for (const x of v) sum += toNumber(x);
      return { value: sum / v.length };
    }
    case 'median': {
      const v = numeric(present, fn).map(toNumber).sort((a, b) => a - b);
      if (v.length === 0) return { value: null };
      const mid = v.length >> 1;
      return { value: v.length % 2 === 1 ? v[mid] : v[mid - 1] + (v[mid] - v[mid - 1]) / 2 };
    }
    case 'mode': {
      if (present.length === 0) return { value: null };
      if (present.length === 1) return { value: present[0].value };
      // InfluxDB's walk over the values sorted: a run replaces the mode once it is at least as
      // long as the mode's and started no later (its first element never counts on its own).
      const sorted = [...present].sort((a, b) => (lessValue(a.value, b.value) ? -1 : lessValue(b.value, a.value) ? 1 : a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
      let mostFreq = 0;
      let currFreq = 0;
      let currMode = sorted[0].value;
      let mostMode = sorted[0].value;
      let mostTime = sorted[0].time;
      let currTime = sorted[0].time;
      for (const p of sorted) {
        if (p.value !== currMode) {
          currFreq = 1;
          currMode = p.value;
          currTime = p.time;
          continue;
        }
        currFreq++;
        if (mostFreq > currFreq || (mostFreq === currFreq && currTime > mostTime)) continue;
        mostFreq = currFreq;
        mostMode = p.value;
        mostTime = p.time;
      }
      return { value: mostMode };
    }
    case 'spread': {
      const v = numeric(present, fn);
      if (v.length === 0) return { value: null };
      let min = v[0];
      let max = v[0];
      for (const x of v) {
        if (cmp(x, min) < 0) min = x;
        if (cmp(x, max) > 0) max = x;
      }
      return { value: typeof min === 'bigint' && typeof max === 'bigint' ? max - min : toNumber(max) - toNumber(min) };
    }
    case 'stddev': {
      const v = numeric(present, fn).map(toNumber);
      if (v.length < 2) return { value: null };
      let mean = 0;
      for (const x of v) mean += x;
      mean /= v.length;
      let variance = 0;
      for (const x of v) variance += (x - mean) ** 2;
      return { value: Math.sqrt(variance / (v.length - 1)) };
    }
    case 'min':
    case 'max': {
      numeric(present, fn);
      let best: TV | undefined;
      for (const p of present) {
        const c = cmp(p.value as number | bigint, (best?.value ?? 0) as number | bigint);
        if (best === undefined || (fn === 'min' ? c < 0 : c > 0)) best = p;
      }
      return best === undefined ? { value: null } : { value: best.value, point: best };
    }
    case 'first':
    case 'last': {
      if (present.length === 0) return { value: null };
      let best = present[0];
      for (const p of present) {
        if (fn === 'first' ? p.time < best.time : p.time > best.time) best = p;
        // Equal times: InfluxDB keeps the larger value for last, the first one read for first.
        else if (fn === 'last' && p.time === best.time && lessValue(best.value, p.value)) best = p;
      }
      return { value: best.value, point: best };
    }
    case 'percentile': {
      numeric(present, fn);
      const sorted = [...present].sort((a, b) => cmp(a.value as number | bigint, b.value as number | bigint) || (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
      const i = Math.floor((sorted.length * (arg ?? 0)) / 100 + 0.5) - 1;
      if (i < 0 || i >= sorted.length) return { value: null };
      return { value: sorted[i].value, point: sorted[i] };
    }
    default:
      throw new StatementError(`undefined function ${fn}()`);
  }
}

function lessValue(a: Value, b: Value): boolean {
  if (isNumeric(a) && isNumeric(b)) return cmp(a, b) < 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return !a && b;
  return false;
}

/** The rows of a function with several results per window: distinct, top, bottom. */
export function multiRow(fn: string, points: TV[], n = 0): TV[] {
  const present = points.filter((p) => p.value !== null);
  if (fn === 'distinct') {
    const seen = new Set<string>();
    const out: TV[] = [];
    for (const p of present) {
      const k = typeof p.value + ':' + String(p.value);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(p);
    }
    return out;
  }
  numeric(present, fn);
  const sign = fn === 'top' ? -1 : 1;
  const ranked = [...present].sort((a, b) => sign * cmp(a.value as number | bigint, b.value as number | bigint) || (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  return ranked.slice(0, n).sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}
