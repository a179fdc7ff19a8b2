// The data browser's time range: RFC 3339 dates as people type them (the table shows the same
// form), to the exact nanosecond strings the app API takes. Blank means unbounded.

const RFC3339 = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** ns since the epoch as a decimal string; undefined for blank; an Error saying what to type otherwise. */
export function parseTimeInput(raw: string): string | undefined | Error {
  const s = raw.trim();
  if (s === '') return undefined;
  const m = RFC3339.exec(s);
  if (m === null) return new Error('use a date like 2023-11-14T22:13:20Z (or 2023-11-14)');
  const [, date, hm = '00:00', sec = '00', frac = '', zone = 'Z'] = m;
  const ms = Date.parse(`${date}T${hm}:${sec}${zone}`);
  if (Number.isNaN(ms)) return new Error(`"${s}" is not a real date`);
  return (BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, '0') || '0')).toString();
}

/** Nanosecond time as an ISO date with nine fraction digits. */
export function isoNs(ns: string): string {
  const t = BigInt(ns);
  const ms = t / 1_000_000n - (t < 0n && t % 1_000_000n !== 0n ? 1n : 0n);
  const frac = ((t % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  const d = new Date(Number(ms));
  return Number.isNaN(d.getTime()) ? ns : d.toISOString().replace(/\.\d{3}Z$/, `.${frac.toString().padStart(9, '0')}Z`);
}
