// Desktop: the app API over Electron IPC, through the preload's one exposed function.
import type { AppMethod } from '../../app/contract.js';
import { AppCallError, type Call } from './transport.js';

declare global {
  interface Window {
    lpstudio?: { call(method: string, input: unknown): Promise<unknown>; pathForFile?(file: File): string };
  }
}

export function hasIpc(): boolean {
  return typeof window !== 'undefined' && typeof window.lpstudio?.call === 'function';
}

export const ipcCall: Call = async (method: AppMethod, input: unknown) => {
  try {
    return await window.lpstudio!.call(method, input);
  } catch (e) {
    const err = e as Error & { code?: AppCallError['code'] };
    throw new AppCallError(err.code ?? 'internal', err.message.replace(/^Error invoking remote method '[^']+': (Error: )?/, ''));
  }
};

/** Desktop: the main process opens the dropped file from disk by its path. */
export async function ipcOpenFile(file: File, o: { precision: string; dialect: string }): Promise<unknown> {
  const path = window.lpstudio?.pathForFile?.(file) ?? '';
  if (path === '') throw new AppCallError('invalid', `"${file.name}" has no path on disk (was it dragged from another app?): save it as a file first`);
  return ipcCall('openFile', { path, ...o });
}
