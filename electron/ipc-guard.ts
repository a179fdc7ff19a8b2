// The one IPC entry point's checks, without an `electron` import (tested under Node with
// Electron's event shapes injected): the sender must be the main frame of our window showing
// our own page (the exact bundled index.html), and the payload must be a valid call of the app
// API; a file to open is checked here too, in the main process. Errors go back as AppErrorBody,
// never as raw errors with stacks.
import { AppError, parseCall, type AppErrorBody, type AppHandlers } from '../app/contract.js';
import { openFileRefusal } from './open-file-check.js';
import { isAppPage } from './security.js';

/** The parts of Electron's IpcMainInvokeEvent the guard reads. */
export interface IpcEventLike {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown | null } | null;
}

export interface GuardContext {
  /** webContents.id of the app's window. */
  webContentsId: () => number | undefined;
  /** URL of the app's page: the bundled index.html's file URL (or the dev server's page). */
  appPage: string;
}

/** Why a sender is refused, or null when it is the app's own page. */
export function refuseSender(e: IpcEventLike, ctx: GuardContext): string | null {
  const id = ctx.webContentsId();
  if (id === undefined || e.sender.id !== id) return 'the call did not come from the app window';
  const frame = e.senderFrame;
  if (frame === null) return 'the sending frame is gone';
  if (frame.parent !== null) return 'the call came from a subframe';
  if (!isAppPage(frame.url, ctx.appPage)) return 'the call came from a page that is not the app';
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
    const c = parseCall(method, input);
    if (c.method === 'openFile') {
      const refused = await openFileRefusal((c.input as { path: string }).path);
      if (refused !== null) throw new AppError('invalid', refused);
    }
    return { ok: true, value: await (handlers[c.method] as (i: unknown) => Promise<unknown>)(c.input) };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message } };
    log(`IPC ${String(method).slice(0, 40)} failed: ${(err as Error)?.stack ?? String(err)}`);
    return { ok: false, error: { code: 'internal', message: 'the app failed to do that; see the log' } };
  }
}
