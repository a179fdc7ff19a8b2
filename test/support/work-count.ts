// Counts the work a call does instead of timing it, so complexity checks give the same answer on
// a loaded machine: how many times the code blocks of the modules under test ran (V8's precise
// block coverage, exact counters, read through the inspector of this process) plus the elements
// the native string and array methods it called could scan (indexOf, slice, join, …; charged by
// their answer). A loop that runs n² times shows in the first, an indexOf that rescans the rest of
// the text per line in the second. Work inside other native code is not seen.
//
// V8 counts blocks only in code compiled while block coverage is on, so counting starts when this
// module loads (import it before the code under test; a count that meets code compiled earlier
// throws). Optimized code (TurboFan, Maglev) loses the counts of inlined calls, so both are off
// from then on in this process: the code runs in V8's interpreter and baseline tier, whose
// counts are exact, and the same input always gives the same count. Vitest runs each test file
// in its own process, so only the file that counts is affected.
import { Session } from 'node:inspector';
import { setFlagsFromString } from 'node:v8';

type Charge = (self: { length: number }, args: unknown[], result: unknown) => number;

const startAt = (from: unknown, length: number) => Math.min(Math.max(Math.trunc(Number(from ?? 0)) || 0, 0), length);
const resultLength: Charge = (_s, _a, r) => (r as { length: number }).length;
const selfLength: Charge = (s) => s.length;
/** indexOf and includes scan from `from` up to the match (or the end). */
const forward = (find: (s: never, needle: unknown, from: unknown) => number): Charge => (s, [needle, from]) => {
  const at = find(s as never, needle, from);
  const f = startAt(from, s.length);
  return at >= 0 ? at - f + 1 : s.length - f;
};
/** lastIndexOf scans back from `from` (or the end) down to the match (or the start). */
const backward: Charge = (s, [, from], r) => {
  const f = from === undefined ? s.length : startAt(from, s.length);
  return (r as number) >= 0 ? f - (r as number) + 1 : f;
};

const stringIndexOf = String.prototype.indexOf;
const arrayIndexOf = Array.prototype.indexOf;
const typedArray = Object.getPrototypeOf(Int8Array.prototype) as Record<string, unknown>;

/** The native methods charged, with what each call costs. */
const CHARGED: [proto: Record<string, unknown>, method: string, charge: Charge][] = [
  [String.prototype as never, 'indexOf', forward((s, n, f) => stringIndexOf.call(s, String(n), f as number))],
  [String.prototype as never, 'includes', forward((s, n, f) => stringIndexOf.call(s, String(n), f as number))],
  [String.prototype as never, 'lastIndexOf', backward],
  [String.prototype as never, 'slice', resultLength],
  [String.prototype as never, 'substring', resultLength],
  [String.prototype as never, 'padStart', resultLength],
  [String.prototype as never, 'padEnd', resultLength],
  [String.prototype as never, 'repeat', resultLength],
  [String.prototype as never, 'toUpperCase', selfLength],
  [String.prototype as never, 'toLowerCase', selfLength],
  [String.prototype as never, 'split', selfLength],
  [String.prototype as never, 'replace', selfLength],
  [String.prototype as never, 'replaceAll', selfLength],
  [String.prototype as never, 'startsWith', (_s, [n]) => String(n).length],
  [String.prototype as never, 'endsWith', (_s, [n]) => String(n).length],
  [Array.prototype as never, 'indexOf', forward((s, n, f) => arrayIndexOf.call(s, n, f as number))],
  [Array.prototype as never, 'includes', forward((s, n, f) => arrayIndexOf.call(s, n, f as number))],
  [Array.prototype as never, 'lastIndexOf', backward],
  [Array.prototype as never, 'slice', resultLength],
  [Array.prototype as never, 'concat', resultLength],
  [Array.prototype as never, 'join', selfLength],
  [Array.prototype as never, 'splice', selfLength],
  [typedArray, 'set', (_s, [src]) => (src as { length: number }).length],
  [typedArray, 'slice', resultLength],
  [TextEncoder.prototype as never, 'encode', (_s, [text]) => String(text ?? '').length],
];

const session = new Session();
session.connect();

function post<T>(method: string, params?: object): T {
  let out: T | undefined;
  let failure: Error | null = null;
  // A session of this thread answers synchronously.
  session.post(method, params, (err, res) => {
    failure = err;
    out = res as T;
  });
  if (failure !== null) throw failure;
  if (out === undefined) throw new Error(`inspector: no answer to ${method}`);
  return out;
}

const COVERAGE = { callCount: true, detailed: true };
setFlagsFromString('--no-opt --no-maglev');
post('Profiler.enable');
post('Profiler.startPreciseCoverage', COVERAGE);

interface Coverage {
  result: { url: string; functions: { functionName: string; isBlockCoverage: boolean; ranges: { count: number }[] }[] }[];
}

/** Block executions in scripts whose URL contains `under`, since the counters were last taken. */
function blocksRun(under: string): number {
  let n = 0;
  for (const script of post<Coverage>('Profiler.takePreciseCoverage').result) {
    if (!script.url.includes(under)) continue;
    for (const f of script.functions) {
      if (!f.isBlockCoverage && f.ranges[0].count > 0) {
        throw new Error(`${f.functionName || '(anonymous)'} in ${script.url} was compiled before counting began: import test/support/work-count.js before the code under test`);
      }
      for (const r of f.ranges) n += r.count;
    }
  }
  return n;
}

export interface Work {
  /** Block executions in the modules under test. */
  blocks: number;
  /** Elements the charged native methods could scan. */
  scanned: number;
  /** `scanned` per method, e.g. 'String.indexOf'. */
  scannedBy: Record<string, number>;
  total: number;
}

/**
 * The work `f` does: block executions in scripts whose URL contains `under` (e.g. '/lineprotocol/')
 * and elements scanned by the charged native methods called meanwhile (from anywhere, so `f`
 * should do little but call the code under test).
 */
export function countWork(under: string, f: () => void): Work {
  blocksRun(under); // zeroes the counters
  const saved = CHARGED.map(([proto, method]) => proto[method]);
  let scanned = 0;
  const scannedBy: Record<string, number> = {};
  CHARGED.forEach(([proto, method, charge], i) => {
    const original = saved[i] as (...a: unknown[]) => unknown;
    const name = `${proto === typedArray ? 'TypedArray' : (proto.constructor as { name: string }).name}.${method}`;
    scannedBy[name] = 0;
    proto[method] = function (this: { length: number }, ...args: unknown[]) {
      const r = original.apply(this, args);
      const c = charge(this, args, r);
      scanned += c;
      scannedBy[name] += c;
      return r;
    };
  });
  try {
    f();
  } finally {
    CHARGED.forEach(([proto, method], i) => (proto[method] = saved[i]));
  }
  const blocks = blocksRun(under);
  for (const k of Object.keys(scannedBy)) if (scannedBy[k] === 0) delete scannedBy[k];
  return { blocks, scanned, scannedBy, total: blocks + scanned };
}
