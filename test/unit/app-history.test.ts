// The send history on real files: kept across store instances (restarts), newest first,
// searchable, tolerant of a torn last line (and the next send after it is kept too), capped at
// HISTORY_CAP by an atomic rewrite, and cleared.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../app/contract.js';
import { HISTORY_CAP, HistoryStore } from '../../app/history.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-history-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function entry(n: number, over: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id: `id-${n}`,
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    profileId: 'local',
    profileName: "This app's endpoint",
    url: 'http://127.0.0.1:8086/write?db=default',
    db: 'default',
    precision: 'ns',
    status: 204,
    durationMs: 1.5,
    lines: 1,
    excerpt: `m v=${n}`,
    body: `m v=${n}`,
    responseExcerpt: '',
    ...over,
  };
}
const ids = (es: HistoryEntry[]) => es.map((e) => e.id);
const fileLines = () => readFileSync(path.join(dir, 'history.jsonl'), 'utf8').split('\n').filter((l) => l !== '');

describe('HistoryStore', () => {
  it('lists newest first and keeps every entry across instances', () => {
    const a = new HistoryStore(dir);
    for (let i = 1; i <= 3; i++) a.add(entry(i));
    expect(ids(a.list())).toEqual(['id-3', 'id-2', 'id-1']);
    expect(ids(new HistoryStore(dir).list())).toEqual(['id-3', 'id-2', 'id-1']);
    expect(new HistoryStore(dir).list()[0]).toEqual(entry(3));
    expect(ids(a.list(undefined, 2))).toEqual(['id-3', 'id-2']);
    expect(statSync(path.join(dir, 'history.jsonl')).mode & 0o777).toBe(0o600);
  });

  it('skips a torn last line, and the next send after it is kept whole', () => {
    const a = new HistoryStore(dir);
    a.add(entry(1));
    a.add(entry(2));
    appendFileSync(path.join(dir, 'history.jsonl'), JSON.stringify(entry(3)).slice(0, 40)); // a crash mid-append
    const b = new HistoryStore(dir);
    expect(ids(b.list())).toEqual(['id-2', 'id-1']);
    b.add(entry(4));
    expect(ids(new HistoryStore(dir).list())).toEqual(['id-4', 'id-2', 'id-1']);
  });

  it('skips foreign lines and keeps the rest', () => {
    writeFileSync(path.join(dir, 'history.jsonl'), `${JSON.stringify(entry(1))}\nnot json\n{"id":"half"}\n${JSON.stringify(entry(2))}\n`);
    expect(ids(new HistoryStore(dir).list())).toEqual(['id-2', 'id-1']);
  });

  it('searches url, db, rp, status and the body excerpt, ignoring case', () => {
    const a = new HistoryStore(dir);
    a.add(entry(1, { url: 'http://remote.example:8086/write?db=Telegraf', db: 'Telegraf' }));
    a.add(entry(2, { rp: 'Weekly', status: 400 }));
    a.add(entry(3, { excerpt: 'cpu,host=SERVER01 usage=3' }));
    expect(ids(a.list('REMOTE.example'))).toEqual(['id-1']);
    expect(ids(a.list('telegraf'))).toEqual(['id-1']);
    expect(ids(a.list('weekly'))).toEqual(['id-2']);
    expect(ids(a.list('400'))).toEqual(['id-2']);
    expect(ids(a.list('server01'))).toEqual(['id-3']);
    expect(ids(a.list('  '))).toEqual(['id-3', 'id-2', 'id-1']);
    expect(a.list('nowhere')).toEqual([]);
  });

  it(`keeps the newest ${HISTORY_CAP}, rewriting the file atomically when it has grown past the cap`, () => {
    const file = path.join(dir, 'history.jsonl');
    // A file already at the cap plus the allowed slack of 500 lines.
    writeFileSync(file, Array.from({ length: HISTORY_CAP + 500 }, (_, i) => JSON.stringify(entry(i)) + '\n').join(''));
    const a = new HistoryStore(dir);
    expect(a.list(undefined, 1000)).toHaveLength(1000);
    expect(ids(a.list(undefined, 1))).toEqual([`id-${HISTORY_CAP + 499}`]);
    a.add(entry(99_999));
    const lines = fileLines();
    expect(lines).toHaveLength(HISTORY_CAP);
    expect(JSON.parse(lines[0]).id).toBe('id-501');
    expect(JSON.parse(lines.at(-1)!).id).toBe('id-99999');
    expect(readdirSync(dir)).toEqual(['history.jsonl']); // no temp file left
    const b = new HistoryStore(dir);
    expect(ids(b.list(undefined, 1))).toEqual(['id-99999']);
    b.add(entry(100_000));
    expect(fileLines()).toHaveLength(HISTORY_CAP + 1); // appended: the next rewrite comes 500 sends later
    expect(ids(new HistoryStore(dir).list(undefined, 1))).toEqual(['id-100000']);
  });

  it('never holds more than the cap, even from a longer file', () => {
    const tagged = (i: number) => entry(i, { excerpt: `<${i}>` });
    writeFileSync(path.join(dir, 'history.jsonl'), Array.from({ length: HISTORY_CAP + 10 }, (_, i) => JSON.stringify(tagged(i)) + '\n').join(''));
    const a = new HistoryStore(dir);
    for (let i = 0; i < 10; i++) expect(a.list(`<${i}>`), `entry ${i}`).toEqual([]);
    expect(ids(a.list('<10>'))).toEqual(['id-10']);
    expect(ids(a.list(`<${HISTORY_CAP + 9}>`))).toEqual([`id-${HISTORY_CAP + 9}`]);
  });

  it('clear empties the file and the list', () => {
    const a = new HistoryStore(dir);
    a.add(entry(1));
    a.clear();
    expect(a.list()).toEqual([]);
    expect(new HistoryStore(dir).list()).toEqual([]);
    expect(readFileSync(path.join(dir, 'history.jsonl'), 'utf8')).toBe('');
  });
});

describe('history body budget', () => {
  it('keeps whole bodies of the newest sends within BODY_BUDGET; older ones keep their excerpt; the file stays bounded', async () => {
    const { HistoryStore, BODY_BUDGET } = await import('../../app/history.js');
    const { mkdtempSync, statSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-history-budget-'));
    const h = new HistoryStore(dir);
    const body = 'x'.repeat(1024 * 1024);
    const n = Math.ceil(BODY_BUDGET / body.length) + 80;
    for (let i = 0; i < n; i++) {
      h.add({ id: String(i), time: new Date(0).toISOString(), profileId: 'local', profileName: 'p', url: 'u', precision: 'ns', status: 204, durationMs: 1, lines: 1, excerpt: body.slice(0, 10), body, responseExcerpt: '' });
    }
    const all = h.list(undefined, 1000);
    expect(all).toHaveLength(n);
    const withBody = all.filter((e) => e.body !== undefined);
    expect(withBody.length).toBe(BODY_BUDGET / body.length);
    expect(all[0].body).toBe(body); // the newest keeps its body
    expect(all[n - 1].body).toBeUndefined();
    expect(all[n - 1].excerpt).toBe('xxxxxxxxxx');
    expect(statSync(path.join(dir, 'history.jsonl')).size).toBeLessThanOrEqual(2 * BODY_BUDGET + body.length + 4096 * n);
    // Reloaded from the file: the same picture.
    const again = new HistoryStore(dir).list(undefined, 1000);
    expect(again.filter((e) => e.body !== undefined).length).toBe(BODY_BUDGET / body.length);
  });
});
