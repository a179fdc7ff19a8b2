// Exact arithmetic on ns timestamps kept as canonical decimal strings (what the parser emits).
// Hot paths use float math and fall back to BigInt only near a boundary, where a double's
// rounding (up to ~1 µs at today's epoch values) could put a point on the wrong side.

/** Below this distance from a boundary the float result is re-checked exactly. */
const MARGIN_NS = 1e7;

/** Compares two canonical decimal integers (`-`?digits, no leading zeros) exactly. */
export function cmpTime(a: string, b: string): number {
  if (a === b) return 0;
  const an = a.charCodeAt(0) === 45;
  const bn = b.charCodeAt(0) === 45;
  if (an !== bn) return an ? -1 : 1;
  const mag = a.length !== b.length ? a.length - b.length : a < b ? -1 : 1;
  return an ? -mag : mag;
}

/** Normalizes a caller-supplied decimal (e.g. `+5`, `007`) to the canonical form cmpTime expects. */
export function canonicalTime(t: string): string {
  return BigInt(t).toString();
}

/** Splits the time axis into shard groups of a fixed length, aligned to the Unix epoch. */
export class GroupMath {
  readonly ns: bigint;
  readonly nsNum: number;

  constructor(readonly seconds: number) {
    if (!Number.isInteger(seconds) || seconds <= 0) throw new Error(`invalid shard group duration ${seconds}`);
    this.ns = BigInt(seconds) * 1_000_000_000n;
    this.nsNum = Number(this.ns);
  }

  /** Index of the group holding time t: floor(t / duration). */
  indexOf(t: string): number {
    const n = Number(t);
    const q = Math.floor(n / this.nsNum);
    const r = n - q * this.nsNum;
    if (r > MARGIN_NS && r < this.nsNum - MARGIN_NS) return q;
    const b = BigInt(t);
    let qb = b / this.ns;
    if (b % this.ns < 0n) qb -= 1n;
    return Number(qb);
  }

  startNs(index: number): bigint {
    return BigInt(index) * this.ns;
  }

  endNs(index: number): bigint {
    return BigInt(index + 1) * this.ns;
  }
}

/** t < cutoff, exactly; cutoffNum is Number(cutoff). */
export function isBefore(t: string, cutoff: bigint, cutoffNum: number): boolean {
  const n = Number(t);
  if (n < cutoffNum - MARGIN_NS) return true;
  if (n > cutoffNum + MARGIN_NS) return false;
  return BigInt(t) < cutoff;
}
