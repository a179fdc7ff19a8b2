// Picks the transport: Electron's IPC when the preload is there, else HTTP (browser mode).
import { httpCall } from './http.js';
import { hasIpc, ipcCall } from './ipc.js';
import { makeApi } from './transport.js';

export const mode: 'desktop' | 'browser' = hasIpc() ? 'desktop' : 'browser';
export const api = makeApi(mode === 'desktop' ? ipcCall : httpCall);
export { AppCallError } from './transport.js';
