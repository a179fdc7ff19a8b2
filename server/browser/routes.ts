// The browser mode of `lpstudio serve`: the renderer at `/`, and the app API over HTTP
// (`POST /app-api/<method>`, one contract with the desktop's IPC) behind a sign-in.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { AppError, Dialect, dispatchCall, FILE_TYPES, HTTP_FILES_PATH, HTTP_PREFIX, Precision, ProfileKind, type AppHandlers } from '../../app/contract.js';
import type { FileJobs } from '../../app/files/file-jobs.js';
import { hashToken, sameDigest, type MetaStore } from '../meta.js';
import { readBody } from '../http/body.js';
import { HttpError } from '../http/respond.js';
import { Sessions, sessionCookie } from './sessions.js';
import { serveStatic } from './static.js';

// A send's body may be 64 Mi characters; JSON escaping (\n, \", \\) can double it.
const MAX_CALL_BYTES = 2 * 64 * 1024 * 1024 + 1024 * 1024;
const SignIn = z.union([z.object({ token: z.string().min(1).max(4096) }).strict(), z.object({ code: z.string().min(1).max(200) }).strict()]);

const STATUS: Record<AppError['code'], number> = { invalid: 400, unauthorized: 401, 'not-found': 404, unprotected: 409, unavailable: 503, internal: 500 };

export interface BrowserMode {
  sessions: Sessions;
  /** Handles the UI's paths; false for every other path (the InfluxDB API's). */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

/** Largest file browser mode takes (it is copied to the data directory first). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024 * 1024;
const FileQuery = z.object({ name: z.string().min(1).max(255), precision: Precision.default('ns'), dialect: Dialect.default('influxdb2'), target: ProfileKind.optional() }).strict();

export function createBrowserMode(meta: MetaStore, service: AppHandlers, files: FileJobs): BrowserMode {
  const sessions = new Sessions();

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.end(text);
  };
  const fail = (res: ServerResponse, code: AppError['code'], message: string) => json(res, STATUS[code], { code, message });

  /** An operator token (write access to every bucket) signs in. */
  const tokenValid = (token: string) => {
    const digest = hashToken(token);
    let ok = false;
    for (const t of meta.get().tokens) if (sameDigest(digest, t.hash) && t.write === '*') ok = true;
    return ok;
  };

  const readJson = async (req: IncomingMessage, maxBytes: number): Promise<unknown> => {
    const body = await readBody(req, { maxBytes, idleMs: 30_000 });
    if (body.length === 0) return {};
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw new AppError('invalid', 'the request body is not JSON');
    }
  };

  /**
   * A dropped file's bytes as the request body (streamed to disk, never held whole), its name and
   * the options of its summary pass in the query. A custom header is required, so a page elsewhere
   * cannot send one without a CORS preflight (which is never granted).
   */
  const receiveFile = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.headers['x-lpstudio-file'] !== '1') {
      req.resume();
      return fail(res, 'invalid', 'send a file with the header X-Lpstudio-File: 1');
    }
    const q = FileQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!q.success) {
      req.resume();
      return fail(res, 'invalid', 'name the file: ?name=FILE.lp[&precision=ns][&dialect=influxdb2][&target=endpoint|influxdb1|influxdb2|cloud]');
    }
    if (!FILE_TYPES.test(q.data.name)) {
      req.resume();
      return fail(res, 'invalid', `"${q.data.name}" is not a line-protocol file: drop a .lp, .txt or .gz file`);
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > MAX_FILE_BYTES) {
      req.resume();
      return json(res, 413, { code: 'invalid', message: `the file is larger than ${MAX_FILE_BYTES / 2 ** 30} GiB: use "lpstudio write FILE"` });
    }
    let aborted = false;
    req.on('aborted', () => (aborted = true));
    // A body that stops coming is cut (its partial copy is removed) rather than held forever.
    req.setTimeout(60_000, () => req.destroy(new Error('the file stopped arriving for 60 s')));
    try {
      json(res, 200, await files.stage(req, q.data.name, { precision: q.data.precision, dialect: q.data.dialect, target: q.data.target, maxBytes: MAX_FILE_BYTES }));
    } catch (e) {
      if (aborted || req.destroyed) return; // the page went away mid-file: nothing to answer
      throw e;
    }
  };

  return {
    sessions,
    async handle(req, res, url) {
      if (serveStatic(req, res, url.pathname)) return true;
      if (!url.pathname.startsWith(HTTP_PREFIX)) return false;
      const name = url.pathname.slice(HTTP_PREFIX.length);
      try {
        if (name === 'session' && req.method === 'GET') {
          req.resume();
          json(res, 200, { signedIn: sessions.valid(req.headers.cookie) });
          return true;
        }
        if (req.method !== 'POST') {
          req.resume();
          json(res, 405, { code: 'invalid', message: `use POST for ${url.pathname}` }, { Allow: 'POST' });
          return true;
        }
        // Cross-site requests are refused: a page elsewhere must not drive the app.
        const origin = req.headers.origin;
        if (origin !== undefined && origin !== `http://${req.headers.host}`) {
          req.resume();
          json(res, 403, { code: 'unauthorized', message: 'cross-origin requests to the app API are refused' });
          return true;
        }
        if (url.pathname === HTTP_FILES_PATH) {
          if (!sessions.valid(req.headers.cookie)) {
            req.resume();
            fail(res, 'unauthorized', 'sign in first');
            return true;
          }
          await receiveFile(req, res, url);
          return true;
        }
        if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
          req.resume();
          fail(res, 'invalid', 'send the call as Content-Type: application/json');
          return true;
        }
        if (name === 'sign-in') {
          // Small cap: this body is read before anyone is known.
          const r = SignIn.safeParse(await readJson(req, 16 * 1024));
          if (!r.success) throw new AppError('invalid', 'sign in with {"token": "..."} or {"code": "..."}');
          const ok = 'token' in r.data ? tokenValid(r.data.token) : sessions.useCode(r.data.code);
          if (!ok) {
            fail(res, 'unauthorized', 'token' in r.data ? 'that token is not an operator token of this endpoint' : 'that sign-in link was already used or has expired: sign in with a token');
            return true;
          }
          json(res, 200, { signedIn: true }, { 'Set-Cookie': sessionCookie(sessions.create()) });
          return true;
        }
        if (name === 'sign-out') {
          req.resume();
          sessions.end(req.headers.cookie);
          json(res, 200, { signedIn: false }, { 'Set-Cookie': sessionCookie('x').replace(/Max-Age=\d+/, 'Max-Age=0') });
          return true;
        }
        if (!sessions.valid(req.headers.cookie)) {
          req.resume();
          fail(res, 'unauthorized', 'sign in first');
          return true;
        }
        json(res, 200, await dispatchCall(service, name, await readJson(req, MAX_CALL_BYTES)));
      } catch (e) {
        if (!req.complete) req.resume();
        if (e instanceof AppError) fail(res, e.code, e.message);
        else if (e instanceof HttpError && e.code === 'request too large') {
          const message = name === 'sign-in' ? 'sign in with {"token": "..."} or {"code": "..."}: that body is too large' : 'this call is too large for the app API: send big files with "lpstudio write FILE" instead';
          json(res, 413, { code: 'invalid', message });
        } else if (e instanceof HttpError && e.status < 500) {
          // the body stalled or could not be read
          json(res, e.status, { code: 'invalid', message: e.message });
        } else {
          process.stderr.write(`lpstudio serve: app API ${name}: ${(e as Error)?.stack ?? String(e)}\n`);
          fail(res, 'internal', 'the app API failed; see the server log');
        }
      }
      return true;
    },
  };
}
