// Exact arithmetic on ns timestamps kept as canonical decimal strings (what the parser emits and
// the API returns). Hot paths compare doubles and fall back to BigInt only near the boundary,
// where a double's rounding (up to ~1 µs at today's epoch values) could mislead.

/** Below this distance from a boundary the float answer is re-checked exactly. */
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

/** t < cutoff, exactly; cutoffNum is Number(cutoff). */
export function isBefore(t: string, cutoff: bigint, cutoffNum: number): boolean {
  const n = Number(t);
  if (n < cutoffNum - MARGIN_NS) return true;
  if (n > cutoffNum + MARGIN_NS) return false;
  return BigInt(t) < cutoff;
}

/** Shard groups: fixed-length time ranges aligned to the Unix epoch, numbered from it. */
export class GroupMath {
  readonly ns: bigint;

  constructor(readonly seconds: number) {
    if (!Number.isInteger(seconds) || seconds <= 0) throw new Error(`invalid shard group duration ${seconds}`);
    this.ns = BigInt(seconds) * 1_000_000_000n;
  }

  startNs(index: number): bigint {
    return BigInt(index) * this.ns;
  }

  endNs(index: number): bigint {
    return BigInt(index + 1) * this.ns;
  }
}
