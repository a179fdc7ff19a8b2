// The preload's `lpstudio.call`, with ipcRenderer.invoke injected and wired to the real IPC
// handler: one channel, {method, input} only, values back, AppErrorBody unwrapped into an Error
// with its code, never a stack.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IPC_CHANNEL as CONTRACT_CHANNEL, type AppHandlers } from '../../app/contract.js';
import { FileProfileStore } from '../../app/file-profiles.js';
import { createAppService } from '../../app/service.js';
import { handleIpc, type IpcEventLike } from '../../electron/ipc-guard.js';
import { IPC_CHANNEL, makeCall, makeOpenFile, type AppCallError } from '../../electron/preload-api.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-preload-'));
const service: AppHandlers = createAppService({
  mode: 'desktop',
  version: '9.9.9',
  dataDir: dir,
  profiles: new FileProfileStore(dir),
  endpoint: { status: () => ({ state: 'stopped' }), token: () => undefined, databases: async () => [] },
});
const ours: IpcEventLike = { sender: { id: 1 }, senderFrame: { url: 'file:///app/index.html', parent: null } };

describe('preload lpstudio.call', () => {
  it('uses the contract channel', () => {
    expect(IPC_CHANNEL).toBe(CONTRACT_CHANNEL);
  });

  it('sends {method, input} on the one channel and returns the value', async () => {
    const sent: unknown[] = [];
    const call = makeCall(async (channel, payload) => {
      sent.push([channel, payload]);
      return handleIpc(ours, payload, { webContentsId: () => 1, appPage: 'file:///app/index.html' }, service);
    });
    expect(await call('info', {})).toMatchObject({ mode: 'desktop', version: '9.9.9' });
    expect(sent).toEqual([[CONTRACT_CHANNEL, { method: 'info', input: {} }]]);
  });

  it('throws an Error with the code and message of a refusal, and no stack from the main process', async () => {
    const call = makeCall(async (_c, payload) => handleIpc(ours, payload, { webContentsId: () => 1, appPage: 'file:///app/index.html' }, service));
    const e = (await call('deleteProfile', { id: 'nope' }).catch((x: unknown) => x)) as AppCallError;
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('not-found');
    expect(e.message).toBe('no connection "nope"');
    const bad = (await call('send', { body: 5 }).catch((x: unknown) => x)) as AppCallError;
    expect(bad.code).toBe('invalid');
    const other = makeCall(async (_c, payload) => handleIpc(ours, payload, { webContentsId: () => 2, appPage: 'file:///app/index.html' }, service));
    await expect(other('info', {})).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('turns an unexpected answer into an internal error', async () => {
    for (const reply of [undefined, null, 'x', { ok: false }, { ok: 'yes', value: 1 }]) {
      await expect(makeCall(async () => reply)('info', {})).rejects.toMatchObject({ code: 'internal', message: 'the app answered in an unexpected way' });
    }
  });

  it('opens files only from a File with a disk path (a drop or the picker): the page cannot name a path', async () => {
    const sent: unknown[] = [];
    const invoke = async (_c: string, payload: { method: string; input: unknown }) => {
      sent.push(payload);
      return handleIpc(ours, payload, { webContentsId: () => 1, appPage: 'file:///app/index.html' }, service);
    };
    const call = makeCall(invoke);
    await expect(call('openFile', { path: '/etc/hosts.txt' })).rejects.toMatchObject({ code: 'invalid', message: 'open a file with lpstudio.openFile(file), from a drop or the file picker' });
    expect(sent).toEqual([]);

    const file = path.join(dir, 'dropped.lp');
    writeFileSync(file, 'm v=1 1\nm v=2 2\n');
    const dropped = { name: 'dropped.lp' };
    const openFile = makeOpenFile(invoke, (f: never) => (f === dropped ? file : ''));
    const state = (await openFile(dropped, { precision: 'ns' })) as { fileId: string; name: string; size: number };
    expect(state).toMatchObject({ name: 'dropped.lp', size: 16 });
    expect(sent).toEqual([{ method: 'openFile', input: { path: file, precision: 'ns', dialect: undefined } }]);
    for (let i = 0; i < 200 && ((await call('fileStatus', { fileId: state.fileId })) as { stage: string }).stage === 'summarizing'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await call('fileStatus', { fileId: state.fileId })).toMatchObject({ stage: 'ready', summary: { points: 2 } });

    // A File the page made itself has no path; anything that is not a File makes getPathForFile throw.
    await expect(openFile({ name: 'made.lp' })).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining('this file has no path on disk') });
    const throwing = makeOpenFile(invoke, () => {
      throw new TypeError('not a File');
    });
    await expect(throwing('/etc/passwd')).rejects.toMatchObject({ code: 'invalid' });
    expect((sent as { method: string }[]).filter((p) => p.method === 'openFile')).toHaveLength(1); // the refused ones never reached the main process
  });
});
