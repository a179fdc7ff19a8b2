// The one IPC entry point: a wrong sender and malformed payloads are refused; a valid call
// reaches the real app service; failures never leak a stack.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppHandlers } from '../../app/contract.js';
import { FileProfileStore } from '../../app/file-profiles.js';
import { createAppService } from '../../app/service.js';
import { handleIpc, type IpcEventLike } from '../../electron/ipc-guard.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-ipc-'));
const service: AppHandlers = createAppService({
  mode: 'desktop',
  version: '1.2.3',
  dataDir: dir,
  profiles: new FileProfileStore(dir),
  endpoint: { status: () => ({ state: 'running', url: 'http://127.0.0.1:8086' }), token: () => 'app-token', databases: async () => [{ db: 'default', rps: ['autogen'] }] },
});
const WINDOW = 7;
const ctx = { webContentsId: () => WINDOW, appPage: 'file:///opt/lpstudio/renderer/index.html' };
const ours: IpcEventLike = { sender: { id: WINDOW }, senderFrame: { url: 'file:///opt/lpstudio/renderer/index.html', parent: null } };

describe('IPC guard', () => {
  it('dispatches a valid call from the app window to the service', async () => {
    const r = await handleIpc(ours, { method: 'info', input: {} }, ctx, service);
    expect(r).toEqual({
      ok: true,
      value: { mode: 'desktop', version: '1.2.3', secrets: expect.objectContaining({ protected: false }), endpoint: { state: 'running', url: 'http://127.0.0.1:8086' } },
    });
    const dbs = await handleIpc(ours, { method: 'suggestDatabases', input: { profileId: 'local' } }, ctx, service);
    expect(dbs).toEqual({ ok: true, value: { databases: [{ db: 'default', rps: ['autogen'] }] } });
  });

  it.each([
    ['another webContents', { sender: { id: 99 }, senderFrame: { url: 'file:///opt/lpstudio/renderer/index.html', parent: null } }, /did not come from the app window/],
    ['a subframe', { sender: { id: WINDOW }, senderFrame: { url: 'file:///opt/lpstudio/renderer/index.html', parent: {} } }, /subframe/],
    ['a remote page in the window', { sender: { id: WINDOW }, senderFrame: { url: 'https://evil.example/', parent: null } }, /not the app/],
    ['a frame that is gone', { sender: { id: WINDOW }, senderFrame: null }, /gone/],
    // Only the exact bundled index.html is the app: not another file:// page, nor a sibling of it.
    ['another local file', { sender: { id: WINDOW }, senderFrame: { url: 'file:///home/me/Downloads/evil.html', parent: null } }, /not the app/],
    ['a page next to the app', { sender: { id: WINDOW }, senderFrame: { url: 'file:///opt/lpstudio/renderer/index.html.evil.html', parent: null } }, /not the app/],
    ['a page under the app directory', { sender: { id: WINDOW }, senderFrame: { url: 'file:///opt/lpstudio/renderer/assets/x.html', parent: null } }, /not the app/],
  ])('refuses a call from %s', async (_name, event, why) => {
    const r = await handleIpc(event as IpcEventLike, { method: 'listProfiles', input: {} }, ctx, service);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('unauthorized');
      expect(r.error.message).toMatch(why);
    }
  });

  it('refuses when the window is closed', async () => {
    const r = await handleIpc(ours, { method: 'info', input: {} }, { ...ctx, webContentsId: () => undefined }, service);
    expect(r).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it.each([
    ['not an object', 'info', /\{method, input\}/],
    ['an array', [1, 2], /\{method, input\}/],
    ['an extra key', { method: 'info', input: {}, evil: 1 }, /nothing else/],
    ['an unknown method', { method: 'exec', input: {} }, /unknown method "exec"/],
    ['a prototype key as method', { method: '__proto__', input: {} }, /unknown method/],
    ['wrong input types', { method: 'send', input: { profileId: 'local', precision: 'ns', body: 5 } }, /invalid input for send: body/],
    ['a bad precision', { method: 'send', input: { profileId: 'local', precision: 'x', body: '' } }, /invalid input for send: precision/],
    ['extra input keys', { method: 'info', input: { x: 1 } }, /invalid input for info/],
    ['a huge string', { method: 'listHistory', input: { query: 'x'.repeat(10_000) } }, /invalid input for listHistory: query/],
    ['a path as profile id', { method: 'deleteProfile', input: { id: '../../etc/passwd'.repeat(10) } }, /invalid input for deleteProfile: id/],
  ])('refuses a malformed payload: %s', async (_name, payload, why) => {
    const r = await handleIpc(ours, payload, ctx, service);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid');
      expect(r.error.message).toMatch(why);
    }
  });

  it("checks a file to open in the main process: a regular file of a type the app opens, links only to such files", async () => {
    const files = mkdtempSync(path.join(tmpdir(), 'lpstudio-ipc-files-'));
    const good = path.join(files, 'good.lp');
    writeFileSync(good, 'm v=1 1\n');
    writeFileSync(path.join(files, 'secret.key'), 'not line protocol');
    symlinkSync(path.join(files, 'secret.key'), path.join(files, 'innocent.lp'));
    symlinkSync(good, path.join(files, 'alias.lp'));
    mkdirSync(path.join(files, 'folder.lp'));
    execFileSync('mkfifo', [path.join(files, 'pipe.lp')]);
    const open = (p: string) => handleIpc(ours, { method: 'openFile', input: { path: p } }, ctx, service);
    const refused = async (p: string) => {
      const r = await open(p);
      return r.ok ? 'opened' : `${r.error.code}: ${r.error.message}`;
    };
    expect(await refused(path.join(files, 'innocent.lp'))).toBe(`invalid: "innocent.lp" is a link to ${path.join(files, 'secret.key')}, which is refused: "secret.key" is not a line-protocol file: open a .lp, .txt or .gz file`);
    expect(await refused(path.join(files, 'pipe.lp'))).toBe('invalid: "pipe.lp" is not a file');
    expect(await refused(path.join(files, 'folder.lp'))).toBe('invalid: "folder.lp" is not a file');
    expect(await refused(`${files}/sub/../good.lp`)).toMatch(/^invalid: the path of "good.lp" is not in its plain form/);
    expect(await refused('good.lp')).toBe('invalid: give the file by its absolute path');
    expect(await refused('/etc/passwd')).toBe('invalid: "passwd" is not a line-protocol file: open a .lp, .txt or .gz file');
    expect(await refused(path.join(files, 'missing.lp'))).toMatch(/^not-found: cannot read "missing.lp"/);
    expect(await open(good)).toMatchObject({ ok: true, value: { name: 'good.lp', size: 8 } });
    expect(await open(path.join(files, 'alias.lp'))).toMatchObject({ ok: true, value: { name: 'alias.lp', size: 8 } });
  });

  it('answers failures with a sentence, never a stack', async () => {
    const broken: AppHandlers = { ...service, listProfiles: async () => { throw new TypeError('x is undefined at secret/place.ts:12'); } };
    const logged: string[] = [];
    const r = await handleIpc(ours, { method: 'listProfiles', input: {} }, ctx, broken, (m) => logged.push(m));
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: 'the app failed to do that; see the log' } });
    expect(logged.join('\n')).toContain('secret/place.ts');
    const nf = await handleIpc(ours, { method: 'deleteProfile', input: { id: 'nope' } }, ctx, service);
    expect(nf).toEqual({ ok: false, error: { code: 'not-found', message: 'no connection "nope"' } });
  });
});
