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
  return async (method, input) => {
    const reply = (await invoke(IPC_CHANNEL, { method, input })) as { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } } | null;
    if (reply !== null && typeof reply === 'object' && reply.ok === true) return reply.value;
    const code = typeof reply?.error?.code === 'string' ? reply.error.code : 'internal';
    const message = typeof reply?.error?.message === 'string' ? reply.error.message : 'the app answered in an unexpected way';
    const e = new Error(message) as AppCallError;
    e.name = 'AppError';
    e.code = code;
    throw e;
  };
}
