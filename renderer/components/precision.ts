import type { Precision } from '../../app/contract.js';

const ALL: { value: Precision; label: string }[] = [
  { value: 'ns', label: 'Nanoseconds (ns)' },
  { value: 'us', label: 'Microseconds (u)' },
  { value: 'ms', label: 'Milliseconds (ms)' },
  { value: 's', label: 'Seconds (s)' },
  { value: 'm', label: 'Minutes (m)' },
  { value: 'h', label: 'Hours (h)' },
];

/** /api/v2/write takes only ns, us, ms, s. */
export const PRECISION_OPTIONS = (v2: boolean) => (v2 ? ALL.filter((p) => p.value !== 'm' && p.value !== 'h') : ALL);
