// Browser mode: the app API over HTTP to `lpstudio serve` (POST /app-api/<method>, session cookie).
import { HTTP_FILES_PATH, HTTP_PREFIX, type AppMethod } from '../../app/contract.js';
import { AppCallError, type Call } from './transport.js';

async function post(path: string, body: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new AppCallError('unavailable', 'lpstudio serve is not answering: is it still running?');
  }
  return answer(res.status, await res.text());
}

/** An answer of lpstudio serve: its JSON when it succeeded, else the AppCallError it carries. */
function answer(status: number, text: string): unknown {
  let data: unknown = undefined;
  try {
    data = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new AppCallError('internal', `unexpected answer (${status}) from lpstudio serve`);
  }
  if (status < 200 || status > 299) {
    const e = data as { code?: AppCallError['code']; message?: string };
    throw new AppCallError(e.code ?? (status === 401 ? 'unauthorized' : 'internal'), e.message ?? `HTTP ${status}`);
  }
  return data;
}

/** A call that found the session gone tells the app, which shows the sign-in again. */
function noticeSignedOut(e: unknown): void {
  if (e instanceof AppCallError && e.code === 'unauthorized' && typeof window !== 'undefined') window.dispatchEvent(new CustomEvent(SIGNED_OUT_EVENT, { detail: e.message }));
}

/** Fired on `window` when a call finds the session gone (server restarted, signed out elsewhere). */
export const SIGNED_OUT_EVENT = 'lpstudio:signed-out';

export const httpCall: Call = async (method: AppMethod, input: unknown) => {
  try {
    return await post(`${HTTP_PREFIX}${method}`, input);
  } catch (e) {
    noticeSignedOut(e);
    throw e;
  }
};

export async function sessionState(): Promise<boolean> {
  const res = await fetch(`${HTTP_PREFIX}session`, { credentials: 'same-origin' });
  return res.ok && ((await res.json()) as { signedIn: boolean }).signedIn;
}

export async function signIn(credential: { token: string } | { code: string }): Promise<void> {
  await post(`${HTTP_PREFIX}sign-in`, credential);
}

export async function signOut(): Promise<void> {
  await post(`${HTTP_PREFIX}sign-out`, {});
}

/**
 * Browser mode: streams a dropped file's bytes to the host, which keeps a copy and summarizes it.
 * The browser reads the file from disk as it sends (XHR with a File body): it is never loaded
 * whole into the page. `onProgress` gets bytes sent and the total.
 */
export function httpOpenFile(file: File, o: { precision: string; dialect: string; target?: string }, onProgress?: (sent: number, total: number) => void, signal?: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const q = new URLSearchParams({ name: file.name, precision: o.precision, dialect: o.dialect, ...(o.target !== undefined ? { target: o.target } : {}) });
    xhr.open('POST', `${HTTP_FILES_PATH}?${q}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('X-Lpstudio-File', '1');
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new AppCallError('unavailable', 'lpstudio serve is not answering: is it still running?'));
    xhr.onabort = () => reject(new AppCallError('invalid', 'cancelled'));
    xhr.onload = () => {
      try {
        resolve(answer(xhr.status, xhr.responseText));
      } catch (e) {
        noticeSignedOut(e);
        reject(e);
      }
    };
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/**
 * The page is going away (reload, tab closed): a session save still waiting goes now. A small one
 * rides a keepalive request (the browser finishes it after the page is gone; keepalive bodies are
 * capped at 64 KiB); a bigger one is sent as usual, best effort.
 */
export function sendOnExit(method: AppMethod, input: unknown): void {
  const body = JSON.stringify(input);
  void fetch(`${HTTP_PREFIX}${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body, credentials: 'same-origin', keepalive: body.length < 60_000 }).catch(() => {});
}
