// The uploader's pure parts: where it sends (URL, precision, query auth) and how long it waits
// before a retry (Retry-After in seconds or as a date, else exponential backoff with jitter).
import { describe, expect, it } from 'vitest';
import { retryDelayMs, uploadUrl } from '../../app/upload/uploader.js';

describe('upload target URL', () => {
  it('v1: db, rp, the 1.x precision names and query auth', () => {
    const u = new URL(uploadUrl({ url: 'http://h:8086/', api: 'v1', db: 'my db', rp: 'r1', precision: 'us', auth: { kind: 'query', username: 'u', password: 'p&q' } }));
    expect(u.pathname).toBe('/write');
    expect(Object.fromEntries(u.searchParams)).toEqual({ db: 'my db', rp: 'r1', precision: 'u', u: 'u', p: 'p&q' });
  });

  it('v2: org, bucket and precision; ns is left as the default', () => {
    const u = new URL(uploadUrl({ url: 'https://h', api: 'v2', org: 'o', bucket: 'b', precision: 'ns', auth: { kind: 'token', token: 't' } }));
    expect(u.pathname).toBe('/api/v2/write');
    expect(Object.fromEntries(u.searchParams)).toEqual({ org: 'o', bucket: 'b' });
  });
});

describe('retry delay', () => {
  it('honours Retry-After in seconds and as an HTTP date', () => {
    expect(retryDelayMs('3', 1, 500)).toBe(3000);
    expect(retryDelayMs(' 0 ', 4, 500)).toBe(0);
    const d = retryDelayMs(new Date(Date.now() + 60_000).toUTCString(), 1, 500);
    expect(d).toBeGreaterThan(58_000);
    expect(d).toBeLessThanOrEqual(60_000);
    expect(retryDelayMs(new Date(Date.now() - 60_000).toUTCString(), 1, 500)).toBe(0);
  });

  it('otherwise doubles per attempt with ±25% jitter', () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const base = 500 * 2 ** (attempt - 1);
      const seen = Array.from({ length: 200 }, () => retryDelayMs(attempt === 3 ? 'soon' : null, attempt, 500));
      expect(Math.min(...seen)).toBeGreaterThanOrEqual(base * 0.75);
      expect(Math.max(...seen)).toBeLessThanOrEqual(base * 1.25);
      expect(new Set(seen).size).toBeGreaterThan(1);
    }
  });
});
