// Desktop: the app API over Electron IPC, through the preload's one exposed function.
import type { AppMethod } from '../../app/contract.js';
import { AppCallError, type Call } from './transport.js';

declare global {
  interface Window {
    lpstudio?: { call(method: string, input: unknown): Promise<unknown>; openFile?(file: File, options: { precision: string; dialect: string; target?: string }): Promise<unknown> };
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

/** Desktop: the preload hands the main process the dropped or picked file's path; it reads the file. */
export async function ipcOpenFile(file: File, o: { precision: string; dialect: string; target?: string }): Promise<unknown> {
  try {
    return await window.lpstudio!.openFile!(file, o);
  } catch (e) {
    const err = e as Error & { code?: AppCallError['code'] };
    throw new AppCallError(err.code ?? 'internal', err.message.replace(/^Error invoking remote method '[^']+': (Error: )?/, ''));
  }
}
