// The data browser's time inputs: RFC 3339 as typed, to exact nanoseconds; blank is unbounded.
import { describe, expect, it } from 'vitest';
import { parseTimeInput } from '../../renderer/components/time-range.js';

describe('parseTimeInput', () => {
  it('reads dates, times, fractions to the nanosecond and offsets', () => {
    expect(parseTimeInput('')).toBeUndefined();
    expect(parseTimeInput('  ')).toBeUndefined();
    expect(parseTimeInput('2023-11-14T22:13:20Z')).toBe('1700000000000000000');
    expect(parseTimeInput('2023-11-14T22:13:20.123456789Z')).toBe('1700000000123456789');
    expect(parseTimeInput('2023-11-14T22:13:20.5Z')).toBe('1700000000500000000');
    expect(parseTimeInput('2023-11-14 23:13:20+01:00')).toBe('1700000000000000000');
    expect(parseTimeInput('2023-11-14')).toBe('1699920000000000000');
    expect(parseTimeInput('1969-12-31T23:59:59Z')).toBe('-1000000000');
  });

  it('says what to type for anything else', () => {
    expect((parseTimeInput('22:15') as Error).message).toBe('use a date like 2023-11-14T22:13:20Z (or 2023-11-14)');
    expect((parseTimeInput('2023-13-45') as Error).message).toBe('"2023-13-45" is not a real date');
  });
});
