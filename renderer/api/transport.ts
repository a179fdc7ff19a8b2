// The renderer's side of the app API: one contract (app/contract.ts), two transports.
import type { AppApi, AppErrorBody, AppMethod } from '../../app/contract.js';
import { appApi } from '../../app/contract.js';

export type Call = (method: AppMethod, input: unknown) => Promise<unknown>;

/** An error a host reported: a code the UI can act on and a sentence for the user. */
export class AppCallError extends Error {
  constructor(
    readonly code: AppErrorBody['code'],
    message: string,
  ) {
    super(message);
  }
}

/** Builds the typed API over a transport's `call`. */
export function makeApi(call: Call): AppApi {
  const api = {} as Record<AppMethod, (input: unknown) => Promise<unknown>>;
  for (const m of Object.keys(appApi) as AppMethod[]) api[m] = (input) => call(m, input ?? {});
  return api as unknown as AppApi;
}
