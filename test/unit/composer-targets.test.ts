// The composer's pure choices: which database it starts with, when a send's answer means the
// database does not exist here, what bucket name a missing db/rp becomes; and what the
// inspector's "Open in composer" takes from a logged request.
import { describe, expect, it } from 'vitest';
import type { RequestEntry, SendResult } from '../../app/contract.js';
import { bucketNameFor, missingDatabaseOf, pickDatabase } from '../../renderer/components/target-choice.js';
import { composerLoadOf, requestFacts } from '../../renderer/components/request-entry.js';

const dbs = (...names: string[]) => names.map((db) => ({ db, rps: ['autogen'] }));

describe('pickDatabase', () => {
  it('replaces a profile default the target does not have by one it has', () => {
    expect(pickDatabase('default', 'default', dbs('mydb', 'other'))).toBe('mydb');
    expect(pickDatabase('', undefined, dbs('mydb'))).toBe('mydb');
  });
  it('keeps the current database when the target has it, and the profile default when it exists', () => {
    expect(pickDatabase('other', 'default', dbs('mydb', 'other'))).toBe('other');
    expect(pickDatabase('default', 'default', dbs('a', 'default'))).toBe('default');
  });
  it('keeps what the user typed meanwhile, and anything when the list is unknown', () => {
    expect(pickDatabase('typed', 'default', dbs('mydb'))).toBe('typed');
    expect(pickDatabase('default', 'default', [])).toBe('default');
  });
});

const result = (status: number, body: string, headers: [string, string][] = []): SendResult => ({
  status,
  statusText: '',
  durationMs: 1,
  method: 'POST',
  url: 'http://127.0.0.1:8086/write?db=x',
  headers,
  body,
  errorLines: [],
});

describe('missingDatabaseOf', () => {
  const notFound = result(404, '{"code":"not found","message":"no dbrp mapping found"}', [['x-lpstudio-hint', 'no bucket "x"']]);
  it('is this endpoint\'s 404 "no dbrp mapping found", with its hint', () => {
    expect(missingDatabaseOf(notFound, { db: 'x', rp: 'weekly' }, true)).toEqual({ db: 'x', rp: 'weekly', hint: 'no bucket "x"' });
    expect(missingDatabaseOf(notFound, { db: 'x' }, true)).toEqual({ db: 'x', rp: '', hint: 'no bucket "x"' });
  });
  it('is nothing for a remote, another status, another 404, or no db', () => {
    expect(missingDatabaseOf(notFound, { db: 'x' }, false)).toBeUndefined();
    expect(missingDatabaseOf(result(204, ''), { db: 'x' }, true)).toBeUndefined();
    expect(missingDatabaseOf(result(404, '{"code":"not found","message":"bucket \\"1\\" not found"}'), { db: 'x' }, true)).toBeUndefined();
    expect(missingDatabaseOf(notFound, { db: '' }, true)).toBeUndefined();
  });
  it('names the bucket as the endpoint maps db and rp', () => {
    expect(bucketNameFor({ db: 'x', rp: '' })).toBe('x');
    expect(bucketNameFor({ db: 'x', rp: 'autogen' })).toBe('x');
    expect(bucketNameFor({ db: 'x', rp: 'weekly' })).toBe('x/weekly');
  });
});

const entry = (e: Partial<RequestEntry>): RequestEntry => ({ id: 1, time: '2026-01-01T00:00:00Z', client: '127.0.0.1', method: 'POST', path: '/write', status: 204, durationMs: 2, ...e });

describe('composerLoadOf', () => {
  it('takes body, db, rp and precision (any InfluxDB spelling) from a /write', () => {
    expect(composerLoadOf(entry({ query: '?db=mydb&rp=weekly&precision=u&p=%E2%80%A6', db: 'mydb', rp: 'weekly', body: 'm v=1 1' }))).toEqual({ body: 'm v=1 1', db: 'mydb', rp: 'weekly', precision: 'us' });
  });
  it('reads db and rp from the query when the request was refused before they were recorded', () => {
    expect(composerLoadOf(entry({ query: '?db=a&rp=b', body: 'x' }))).toEqual({ body: 'x', db: 'a', rp: 'b', precision: 'ns' });
  });
  it('takes a v2 write\'s bucket as the database', () => {
    expect(composerLoadOf(entry({ path: '/api/v2/write', query: '?org=o&bucket=mydb&precision=ms', body: 'x' }))).toEqual({ body: 'x', db: 'mydb', rp: '', precision: 'ms' });
  });
  it('falls back to ns for an unknown precision', () => {
    expect(composerLoadOf(entry({ query: '?db=a&precision=weeks' })).precision).toBe('ns');
  });
});

describe('requestFacts', () => {
  it('leaves out what is unknown instead of empty slots, and says a 401 was not authenticated', () => {
    expect(requestFacts(entry({ status: 401, durationMs: 3 }), '12:00')).toBe('12:00 · 127.0.0.1 · not authenticated · 3 ms');
    expect(requestFacts(entry({ auth: 'token (admin)', db: 'mydb', rp: 'autogen', precision: 's', lines: 2 }), '12:00')).toBe('12:00 · 127.0.0.1 · token (admin) · db mydb/autogen · s · 2 ms · 2 lines');
  });
});
