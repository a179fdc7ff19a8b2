// The composer's session file: written atomically after a pause (the latest session wins), read
// back whole, and a file that is not a session is moved aside (never overwritten) with a notice.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_WORKSPACE, type Workspace } from '../../app/contract.js';
import { WorkspaceStore } from '../../app/workspace-store.js';

const dirs: string[] = [];
const tempFile = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'lpstudio-workspace-'));
  dirs.push(d);
  return path.join(d, 'sub', 'workspace.json');
};
afterEach(() => void dirs.splice(0));

const session = (text: string): Workspace => ({
  version: 1,
  activeId: 'd-2',
  documents: [
    { id: 'd-1', name: 'Untitled 1', text: 'cpu v=1 1\r\n', dirty: false, eol: 'lf', profileId: 'local', db: 'default', rp: '', org: '', bucket: '', precision: 'ns', autoPrecision: true, acceptPartial: true, noSync: false, auth: 'profile' },
    { id: 'd-2', name: 'notes.lp', text, dirty: true, eol: 'crlf', profileId: 'p-1', db: '', rp: '', org: 'acme', bucket: 'b', precision: 's', autoPrecision: false, acceptPartial: false, noSync: true, auth: 'token' },
  ],
  environments: { local: { host: 'server-1' } },
});

describe('the session store', () => {
  it('starts empty without a file', () => {
    const s = new WorkspaceStore(tempFile());
    expect(s.load()).toEqual({ workspace: EMPTY_WORKSPACE });
  });

  it('debounces: only the latest session is written, after the pause; a load meanwhile sees it', async () => {
    const file = tempFile();
    const s = new WorkspaceStore(file, 50);
    s.save(session('a'));
    s.save(session('ab'));
    expect(existsSync(file)).toBe(false);
    expect(s.load().workspace.documents[1].text).toBe('ab');
    await expect.poll(() => existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(session('ab'));
    // Another store (the next start) reads it back exactly.
    expect(new WorkspaceStore(file).load()).toEqual({ workspace: session('ab') });
    // No temporary file is left beside it.
    expect(readdirSync(path.dirname(file))).toEqual(['workspace.json']);
  });

  it('flush writes the waiting session at once (quit)', () => {
    const file = tempFile();
    const s = new WorkspaceStore(file, 60_000);
    s.save(session('x'));
    s.flush();
    expect(new WorkspaceStore(file).load().workspace).toEqual(session('x'));
  });

  it("a session saved before documents had InfluxDB 3 choices loads with 3.x's defaults (auto, partial writes on, no_sync off)", () => {
    const file = tempFile();
    new WorkspaceStore(file).flush(); // makes the directory
    const old = session('cpu v=1');
    const stripped = { ...old, documents: old.documents.map(({ autoPrecision: _a, acceptPartial: _p, noSync: _n, ...d }) => d) };
    writeFileSync(file, JSON.stringify(stripped));
    const r = new WorkspaceStore(file).load();
    expect(r.notice).toBeUndefined();
    expect(r.workspace.documents.map((d) => [d.id, d.autoPrecision, d.acceptPartial, d.noSync])).toEqual([
      ['d-1', true, true, false],
      ['d-2', true, true, false],
    ]);
    expect(existsSync(file)).toBe(true);
  });

  it.each([
    ['torn JSON', '{"version":1,"documents":[{"id":"d-1","na'],
    ['not a session', '{"version":2,"documents":"none"}'],
  ])('a corrupt file (%s) falls back to an empty session and is kept aside', (_what, content) => {
    const file = tempFile();
    new WorkspaceStore(file).flush(); // makes the directory
    writeFileSync(file, content);
    const s = new WorkspaceStore(file, 10, () => new Date('2026-12-03T10:00:00.000Z'));
    const r = s.load();
    expect(r.workspace).toEqual(EMPTY_WORKSPACE);
    expect(r.notice).toMatch(/could not be read .* the file is kept as workspace\.json\.corrupt-2026-12-03T10-00-00-000Z/);
    expect(existsSync(file)).toBe(false);
    expect(readFileSync(`${file}.corrupt-2026-12-03T10-00-00-000Z`, 'utf8')).toBe(content);
    // A new session is then written normally, and the set-aside file stays.
    s.save(session('new'));
    s.flush();
    expect(new WorkspaceStore(file).load().workspace).toEqual(session('new'));
    expect(readFileSync(`${file}.corrupt-2026-12-03T10-00-00-000Z`, 'utf8')).toBe(content);
  });
});
