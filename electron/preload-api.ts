// What the sandboxed preload exposes, without an `electron` import (tested under Node with
// ipcRenderer.invoke injected). It imports nothing at run time either: the preload bundle stays
// small and has no zod or app code in it.

/** = app/contract.ts IPC_CHANNEL (a unit test keeps them equal). */
export const IPC_CHANNEL = 'lpstudio:app';

export type Invoke = (channel: string, payload: { method: string; input: unknown }) => Promise<unknown>;

/** An error from the main process as the page sees it: the AppErrorBody's message, and its code. */
export interface AppCallError extends Error {
  code: string;
}

/**
 * `lpstudio.call(method, input)`: one invoke on the one channel; an `{ok:false, error}` answer
 * becomes a thrown Error carrying the error's code (never a stack from the main process).
 */
export function makeCall(invoke: Invoke): (method: string, input?: unknown) => Promise<unknown> {
  const raw = rawCall(invoke);
  return async (method, input) => {
    // A file is opened only from a File the user dropped or picked (see makeOpenFile): the page
    // itself may not name a path, so a compromised page cannot read and send any file it likes.
    if (method === 'openFile') throw appError('invalid', 'open a file with lpstudio.openFile(file), from a drop or the file picker');
    return raw(method, input);
  };
}

/**
 * `lpstudio.openFile(file, options)`: the disk path of a File from a drop or the file picker (a
 * File the page made itself has none), sent to the main process, which reads the file.
 */
export function makeOpenFile(invoke: Invoke, pathForFile: (file: never) => string): (file: unknown, options?: { precision?: unknown; dialect?: unknown; target?: unknown }) => Promise<unknown> {
  const raw = rawCall(invoke);
  return async (file, options) => {
    let path = '';
    try {
      path = pathForFile(file as never);
    } catch {
      path = '';
    }
    if (typeof path !== 'string' || path === '') throw appError('invalid', 'this file has no path on disk (was it dragged from another app?): save it as a file first, then drop or pick it');
    return raw('openFile', { path, precision: options?.precision, dialect: options?.dialect, target: options?.target });
  };
}

function appError(code: string, message: string): AppCallError {
  const e = new Error(message) as AppCallError;
  e.name = 'AppError';
  e.code = code;
  return e;
}

function rawCall(invoke: Invoke): (method: string, input?: unknown) => Promise<unknown> {
  return async (method, input) => {
    const reply = (await invoke(IPC_CHANNEL, { method, input })) as { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } } | null;
    if (reply !== null && typeof reply === 'object' && reply.ok === true) return reply.value;
    const code = typeof reply?.error?.code === 'string' ? reply.error.code : 'internal';
    const message = typeof reply?.error?.message === 'string' ? reply.error.message : 'the app answered in an unexpected way';
    throw appError(code, message);
  };
}
