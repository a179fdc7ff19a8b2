// Desktop: the app API over Electron IPC, through the preload's one exposed function.
import type { AppMethod } from '../../app/contract.js';
import { AppCallError, type Call } from './transport.js';

declare global {
  interface Window {
    lpstudio?: { call(method: string, input: unknown): Promise<unknown> };
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
