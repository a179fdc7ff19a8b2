// The sandboxed preload: exposes `lpstudio.call(method, input)`, which goes to the main process's
// single guarded IPC handler, and `lpstudio.openFile(file)`, which hands the main process the disk
// path of a file the user dropped or picked (it streams it from disk; the page never reads it
// whole, and never names a path itself). Nothing else of Node or Electron
// reaches the renderer (ipcRenderer itself is not exposed). Built as one CommonJS file (see
// vite.preload.config.ts): a sandboxed preload cannot load modules at run time.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { makeCall, makeOpenFile } from './preload-api.js';

const invoke = (channel: string, payload: { method: string; input: unknown }) => ipcRenderer.invoke(channel, payload);
const call = makeCall(invoke);
const openFile = makeOpenFile(invoke, (file: File) => webUtils.getPathForFile(file));

contextBridge.exposeInMainWorld('lpstudio', {
  call: (method: string, input: unknown): Promise<unknown> => call(method, input),
  openFile: (file: File, options?: { precision?: string; dialect?: string; target?: string }): Promise<unknown> => openFile(file, options),
});
