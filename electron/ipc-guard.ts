// The one IPC entry point's checks, without an `electron` import (tested under Node with
// Electron's event shapes injected): the sender must be the main frame of our window showing
// our own page, and the payload must be a valid call of the app API. Errors go back as
// AppErrorBody, never as raw errors with stacks.
import { AppError, dispatchCall, type AppErrorBody, type AppHandlers } from '../app/contract.js';
import { isAppUrl } from './security.js';

/** The parts of Electron's IpcMainInvokeEvent the guard reads. */
export interface IpcEventLike {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown | null } | null;
}

export interface GuardContext {
  /** webContents.id of the app's window. */
  webContentsId: () => number | undefined;
  /** Origin the app's page is loaded from (`file://` when packaged). */
  appOrigin: string;
}

/** Why a sender is refused, or null when it is the app's own page. */
export function refuseSender(e: IpcEventLike, ctx: GuardContext): string | null {
  const id = ctx.webContentsId();
  if (id === undefined || e.sender.id !== id) return 'the call did not come from the app window';
  const frame = e.senderFrame;
  if (frame === null) return 'the sending frame is gone';
  if (frame.parent !== null) return 'the call came from a subframe';
  if (!isAppUrl(frame.url, ctx.appOrigin)) return 'the call came from a page that is not the app';
  return null;
}

export type IpcReply = { ok: true; value: unknown } | { ok: false; error: AppErrorBody };

/** Checks the sender, validates `{method, input}`, dispatches; always answers with an IpcReply. */
export async function handleIpc(e: IpcEventLike, payload: unknown, ctx: GuardContext, handlers: AppHandlers, log: (m: string) => void = () => {}): Promise<IpcReply> {
  const refused = refuseSender(e, ctx);
  if (refused !== null) {
    log(`IPC refused: ${refused}`);
    return { ok: false, error: { code: 'unauthorized', message: refused } };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, error: { code: 'invalid', message: 'a call is {method, input}' } };
  }
  const keys = Object.keys(payload);
  if (keys.some((k) => k !== 'method' && k !== 'input')) return { ok: false, error: { code: 'invalid', message: 'a call is {method, input}, nothing else' } };
  const { method, input } = payload as { method?: unknown; input?: unknown };
  try {
    return { ok: true, value: await dispatchCall(handlers, method, input) };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message } };
    log(`IPC ${String(method).slice(0, 40)} failed: ${(err as Error)?.stack ?? String(err)}`);
    return { ok: false, error: { code: 'internal', message: 'the app failed to do that; see the log' } };
  }
}
