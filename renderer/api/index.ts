// Picks the transport: Electron's IPC when the preload is there, else HTTP (browser mode).
import type { FileState } from '../../app/contract.js';
import { httpCall, httpOpenFile } from './http.js';
import { hasIpc, ipcCall, ipcOpenFile } from './ipc.js';
import { makeApi } from './transport.js';

export const mode: 'desktop' | 'browser' = hasIpc() ? 'desktop' : 'browser';
export const api = makeApi(mode === 'desktop' ? ipcCall : httpCall);
export { AppCallError } from './transport.js';

/**
 * Hands a dropped or picked file to the host: its path (desktop) or its bytes, streamed (browser
 * mode). The host summarizes it; poll `api.fileStatus` for the summary.
 */
export async function openFile(
  file: File,
  o: { precision: string; dialect: string; target?: string },
  onProgress?: (sent: number, total: number) => void,
  signal?: AbortSignal,
): Promise<FileState> {
  return (await (mode === 'desktop' ? ipcOpenFile(file, o) : httpOpenFile(file, o, onProgress, signal))) as FileState;
}
