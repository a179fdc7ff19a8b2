// Browser mode: the app API over HTTP to `lpstudio serve` (POST /app-api/<method>, session cookie).
import { HTTP_PREFIX, type AppMethod } from '../../app/contract.js';
import { AppCallError, type Call } from './transport.js';

async function post(path: string, body: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new AppCallError('unavailable', 'lpstudio serve is not answering: is it still running?');
  }
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new AppCallError('internal', `unexpected answer (${res.status}) from lpstudio serve`);
  }
  if (!res.ok) {
    const e = data as { code?: AppCallError['code']; message?: string };
    throw new AppCallError(e.code ?? (res.status === 401 ? 'unauthorized' : 'internal'), e.message ?? `HTTP ${res.status}`);
  }
  return data;
}

/** Fired on `window` when a call finds the session gone (server restarted, signed out elsewhere). */
export const SIGNED_OUT_EVENT = 'lpstudio:signed-out';

export const httpCall: Call = async (method: AppMethod, input: unknown) => {
  try {
    return await post(`${HTTP_PREFIX}${method}`, input);
  } catch (e) {
    if (e instanceof AppCallError && e.code === 'unauthorized' && typeof window !== 'undefined') window.dispatchEvent(new CustomEvent(SIGNED_OUT_EVENT, { detail: e.message }));
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
