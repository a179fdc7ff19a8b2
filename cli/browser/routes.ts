// The browser mode of `lpstudio serve`: the renderer at `/`, and the app API over HTTP
// (`POST /app-api/<method>`, one contract with the desktop's IPC) behind a sign-in. Both answer
// only to the Host names the endpoint was bound for, and a call that changes anything only from
// the endpoint's own page (its Origin).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { AppError, Dialect, dispatchCall, FILE_TYPES, HTTP_FILES_PATH, HTTP_PREFIX, Precision, ProfileKind, type AppHandlers } from '../../app/contract.js';
import { FileTooLargeError, StagingQuotaError, type FileJobs } from '../../app/files/file-jobs.js';
import type { ExtraRoutes } from '../../server/http/app.js';
import { hashToken, sameDigest, type MetaStore } from '../../server/meta.js';
import { readBody } from '../../server/http/body.js';
import { HttpError } from '../../server/http/respond.js';
import { checkHost, checkOrigin } from './hosts.js';
import { OWNER, Sessions, sessionCookie } from './sessions.js';
import { workspaceHandlers, type WorkspaceStore } from '../../app/workspace-store.js';
import { isStaticPath, serveStatic } from './static.js';

// A send's body may be 64 Mi characters; JSON escaping (\n, \", \\) can double it.
const MAX_CALL_BYTES = 2 * 64 * 1024 * 1024 + 1024 * 1024;
const SignIn = z.union([z.object({ token: z.string().min(1).max(4096) }).strict(), z.object({ code: z.string().min(1).max(200) }).strict()]);

const STATUS: Record<AppError['code'], number> = { invalid: 400, unauthorized: 401, 'not-found': 404, unprotected: 409, unavailable: 503, internal: 500 };

export interface BrowserMode extends ExtraRoutes {
  sessions: Sessions;
}

/** Largest file browser mode takes (it is copied to the data directory first). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024 * 1024;
/** Most bytes all staged files may take together. */
export const STAGE_QUOTA_BYTES = 4 * 1024 * 1024 * 1024;
const FileQuery = z.object({ name: z.string().min(1).max(255), precision: Precision.default('ns'), dialect: Dialect.default('influxdb2'), target: ProfileKind.optional() }).strict();

export interface BrowserModeOptions {
  meta: MetaStore;
  service: AppHandlers;
  files: FileJobs;
  sessions: Sessions;
  /** The Host header values the UI and the app API answer to (see hosts.ts). */
  hosts: () => ReadonlySet<string>;
  /** The endpoint's address, named to a request that came for another host. */
  url: () => string;
  /** The composer's session of a signed-in user (a token's ID or OWNER): each user has their own. */
  workspaceOf: (user: string) => WorkspaceStore;
  /** Bounds of the staged files: each one, and all together (default MAX_FILE_BYTES, STAGE_QUOTA_BYTES). */
  maxFileBytes?: number;
  stageQuotaBytes?: number;
}

export function createBrowserMode(o: BrowserModeOptions): BrowserMode {
  const { meta, service, files, sessions } = o;
  const maxFileBytes = o.maxFileBytes ?? MAX_FILE_BYTES;
  const stageQuota = o.stageQuotaBytes ?? STAGE_QUOTA_BYTES;

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

  /** An operator token (write access to every bucket) signs in: its ID, or undefined. */
  const operatorOf = (token: string): string | undefined => {
    const digest = hashToken(token);
    let id: string | undefined;
    for (const t of meta.get().tokens) if (sameDigest(digest, t.hash) && t.write === '*') id = t.id;
    return id;
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
    if (declared > maxFileBytes) {
      req.resume();
      return json(res, 413, { code: 'invalid', message: new FileTooLargeError(maxFileBytes).message });
    }
    if (files.stagedBytes() + declared > stageQuota) {
      req.resume();
      return json(res, 507, { code: 'unavailable', message: new StagingQuotaError(stageQuota).message });
    }
    let aborted = false;
    req.on('aborted', () => (aborted = true));
    // A body that stops coming is cut (its partial copy is removed) rather than held forever.
    req.setTimeout(60_000, () => req.destroy(new Error('the file stopped arriving for 60 s')));
    try {
      json(res, 200, await files.stage(req, q.data.name, { precision: q.data.precision, dialect: q.data.dialect, target: q.data.target, maxBytes: maxFileBytes, quotaBytes: stageQuota }));
    } catch (e) {
      if (aborted || req.destroyed) return; // the page went away mid-file: nothing to answer
      if (e instanceof StagingQuotaError || e instanceof FileTooLargeError) {
        req.resume();
        return json(res, e instanceof StagingQuotaError ? 507 : 413, { code: e.code, message: e.message });
      }
      throw e;
    }
  };

  return {
    sessions,
    owns: (url) => isStaticPath(url.pathname) || url.pathname.startsWith(HTTP_PREFIX),
    async handle(req, res, url) {
      // Another name for this address (DNS rebinding): neither the UI nor the app API answers.
      const host = checkHost(o.hosts(), req.headers.host, o.url());
      if (!host.ok) {
        req.resume();
        json(res, host.status, { code: 'unauthorized', message: host.message });
        return;
      }
      if (isStaticPath(url.pathname)) {
        if (!serveStatic(req, res, url.pathname)) {
          req.resume();
          json(res, 405, { code: 'invalid', message: `use GET for ${url.pathname}` }, { Allow: 'GET, HEAD' });
        }
        return;
      }
      const name = url.pathname.slice(HTTP_PREFIX.length);
      try {
        if (name === 'session' && req.method === 'GET') {
          req.resume();
          json(res, 200, { signedIn: sessions.valid(req.headers.cookie) });
          return;
        }
        if (req.method !== 'POST') {
          req.resume();
          json(res, 405, { code: 'invalid', message: `use POST for ${url.pathname}` }, { Allow: 'POST' });
          return;
        }
        // Only the endpoint's own page may call: a page elsewhere must not drive the app.
        const origin = checkOrigin(req.headers.host!, req.headers.origin);
        if (!origin.ok) {
          req.resume();
          json(res, origin.status, { code: 'unauthorized', message: origin.message });
          return;
        }
        if (url.pathname === HTTP_FILES_PATH) {
          if (!sessions.valid(req.headers.cookie)) {
            req.resume();
            fail(res, 'unauthorized', 'sign in first');
            return;
          }
          await receiveFile(req, res, url);
          return;
        }
        if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
          req.resume();
          fail(res, 'invalid', 'send the call as Content-Type: application/json');
          return;
        }
        if (name === 'sign-in') {
          // Small cap: this body is read before anyone is known.
          const r = SignIn.safeParse(await readJson(req, 16 * 1024));
          if (!r.success) throw new AppError('invalid', 'sign in with {"token": "..."} or {"code": "..."}');
          const user = 'token' in r.data ? operatorOf(r.data.token) : sessions.useCode(r.data.code) ? OWNER : undefined;
          if (user === undefined) {
            fail(res, 'unauthorized', 'token' in r.data ? 'that token is not an operator token of this endpoint' : 'that sign-in link was already used or has expired: sign in with a token');
            return;
          }
          json(res, 200, { signedIn: true }, { 'Set-Cookie': sessionCookie(sessions.create(user), sessions.limits) });
          return;
        }
        if (name === 'sign-out') {
          req.resume();
          sessions.end(req.headers.cookie);
          json(res, 200, { signedIn: false }, { 'Set-Cookie': sessionCookie('x', sessions.limits).replace(/Max-Age=\d+/, 'Max-Age=0') });
          return;
        }
        const user = sessions.user(req.headers.cookie);
        if (user === undefined) {
          req.resume();
          fail(res, 'unauthorized', 'sign in first');
          return;
        }
        // The session methods answer with the signed-in user's own session.
        const handlers = name === 'loadWorkspace' || name === 'saveWorkspace' ? { ...service, ...workspaceHandlers(o.workspaceOf(user)) } : service;
        json(res, 200, await dispatchCall(handlers, name, await readJson(req, MAX_CALL_BYTES)));
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
    },
  };
}
