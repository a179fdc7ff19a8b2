// The sandboxed preload: exposes `lpstudio.call(method, input)`, which goes to the main process's
// single guarded IPC handler, and `lpstudio.pathForFile(file)`, the disk path of a file the user
// dropped or picked (so the main process streams it from disk; the page never reads it whole). Nothing else of Node or Electron
// reaches the renderer (ipcRenderer itself is not exposed). Built as one CommonJS file (see
// vite.preload.config.ts): a sandboxed preload cannot load modules at run time.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { makeCall } from './preload-api.js';

const call = makeCall((channel, payload) => ipcRenderer.invoke(channel, payload));

contextBridge.exposeInMainWorld('lpstudio', {
  call: (method: string, input: unknown): Promise<unknown> => call(method, input),
  pathForFile: (file: File): string => webUtils.getPathForFile(file),
});
