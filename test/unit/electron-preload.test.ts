// The preload's `lpstudio.call`, with ipcRenderer.invoke injected and wired to the real IPC
// handler: one channel, {method, input} only, values back, AppErrorBody unwrapped into an Error
// with its code, never a stack.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IPC_CHANNEL as CONTRACT_CHANNEL, type AppHandlers } from '../../app/contract.js';
import { FileProfileStore } from '../../app/file-profiles.js';
import { createAppService } from '../../app/service.js';
import { handleIpc, type IpcEventLike } from '../../electron/ipc-guard.js';
import { IPC_CHANNEL, makeCall, type AppCallError } from '../../electron/preload-api.js';

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
      return handleIpc(ours, payload, { webContentsId: () => 1, appOrigin: 'file://' }, service);
    });
    expect(await call('info', {})).toMatchObject({ mode: 'desktop', version: '9.9.9' });
    expect(sent).toEqual([[CONTRACT_CHANNEL, { method: 'info', input: {} }]]);
  });

  it('throws an Error with the code and message of a refusal, and no stack from the main process', async () => {
    const call = makeCall(async (_c, payload) => handleIpc(ours, payload, { webContentsId: () => 1, appOrigin: 'file://' }, service));
    const e = (await call('deleteProfile', { id: 'nope' }).catch((x: unknown) => x)) as AppCallError;
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('not-found');
    expect(e.message).toBe('no connection "nope"');
    const bad = (await call('send', { body: 5 }).catch((x: unknown) => x)) as AppCallError;
    expect(bad.code).toBe('invalid');
    const other = makeCall(async (_c, payload) => handleIpc(ours, payload, { webContentsId: () => 2, appOrigin: 'file://' }, service));
    await expect(other('info', {})).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('turns an unexpected answer into an internal error', async () => {
    for (const reply of [undefined, null, 'x', { ok: false }, { ok: 'yes', value: 1 }]) {
      await expect(makeCall(async () => reply)('info', {})).rejects.toMatchObject({ code: 'internal', message: 'the app answered in an unexpected way' });
    }
  });
});
