// The app service: the one implementation of the app API (app/contract.ts), in the host
// (Electron's main process, or `lpstudio serve` in browser mode). Plain Node, no electron import.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { AppError, type AppHandlers, type Profile, type SendRequest } from './contract.js';
import { FileJobs } from './files/file-jobs.js';
import { openPathRefusal } from './files/open-path.js';
import { curlCommand, PASSWORD_PLACEHOLDER, PASSWORD_VARIABLE, TOKEN_VARIABLE, type CurlRequest } from './curl.js';
import { HistoryStore } from './history.js';
import type { AppHostDeps } from './host-deps.js';
import { workspaceHandlers, WorkspaceStore } from './workspace-store.js';
import { redact, sendWrite, uploadTargetOf, apiOf, usesV2, writeUrl, type WriteTarget } from './send.js';

export const LOCAL_PROFILE_ID = 'local';
const EXCERPT = 4096;
const KEEP_BODY = 1024 * 1024;

export function createAppService(deps: AppHostDeps): AppHandlers {
  const history = new HistoryStore(deps.dataDir);
  const now = deps.now ?? (() => new Date());
  const fetchFn = deps.fetch ?? fetch;
  const files = deps.files ?? new FileJobs(path.join(deps.dataDir, 'uploads'));
  const workspace = deps.workspace ?? new WorkspaceStore(path.join(deps.dataDir, 'workspace.json'));

  const localProfile = (): Profile => ({
    id: LOCAL_PROFILE_ID,
    name: "This app's endpoint",
    url: deps.endpoint.status().url ?? 'http://127.0.0.1:8086',
    kind: 'endpoint',
    db: 'default',
    precision: 'ns',
    auth: 'token',
    hasSecret: deps.endpoint.token() !== undefined,
    builtin: true,
  });

  const profile = async (id: string): Promise<Profile> => {
    if (id === LOCAL_PROFILE_ID) return localProfile();
    const p = (await deps.profiles.list()).find((x) => x.id === id);
    if (p === undefined) throw new AppError('not-found', `no connection "${id}": it may have been deleted`);
    return p;
  };

  const documents = () => {
    if (deps.documents === undefined) throw new AppError('unavailable', 'this host has no file dialogs (browser mode): the page opens picked files and saves by download');
    return deps.documents;
  };

  const localData = () => {
    if (deps.endpoint.data === undefined) throw new AppError('unavailable', 'the data browser is available in browser mode (lpstudio serve) for now');
    return deps.endpoint.data;
  };
  const knownBucket = async (id: string) => {
    if (!(await localData().buckets()).some((b) => b.id === id)) throw new AppError('not-found', `no bucket with ID ${id}: it may have been deleted`);
  };

  const secretOf = async (p: Profile): Promise<string | undefined> => (p.builtin ? deps.endpoint.token() : deps.profiles.secret(p.id));

  /**
   * The username and password a Basic or u/p request uses when typed in the composer. A
   * connection that authenticates otherwise (this app's endpoint: its token) has none to fall
   * back on: refused with a sentence rather than silently sending the token as a password.
   */
  const typedCredentials = async (r: SendRequest, p: Profile, auth: SendRequest['auth']): Promise<{ username: string; password: string } | undefined> => {
    if (auth !== 'basic' && auth !== 'query') return undefined;
    if (r.username !== undefined && r.username !== '') return { username: r.username, password: r.password ?? '' };
    if (p.auth === 'basic' || p.auth === 'query') return undefined;
    const whose = p.builtin ? "a v1 user's (Data, v1 users)" : "the InfluxDB user's";
    throw new AppError('invalid', `${auth === 'basic' ? 'Basic authentication' : 'Query-string authentication'} needs a username and password: type ${whose} in the Username and Password fields next to Authentication`);
  };

  const target = async (r: SendRequest, withSecret: boolean): Promise<{ p: Profile; t: WriteTarget }> => {
    const p = await profile(r.profileId);
    const auth = r.auth ?? p.auth;
    const typed = await typedCredentials(r, p, auth);
    const t: WriteTarget = {
      kind: p.kind,
      baseUrl: p.url,
      db: r.db ?? p.db,
      rp: r.rp ?? p.rp,
      org: r.org ?? p.org,
      bucket: r.bucket ?? p.bucket,
      precision: r.precision,
      autoPrecision: r.autoPrecision,
      acceptPartial: r.acceptPartial,
      noSync: r.noSync,
      auth,
      username: typed ? typed.username : p.username,
      secret: !withSecret || auth === 'none' ? undefined : typed ? typed.password : await secretOf(p),
    };
    if (t.rp === '') t.rp = undefined;
    return { p, t };
  };

  /** The curl command of a request: the secret as the docs' placeholder, as a shell variable, or itself (for the host's clipboard only). */
  const curl = async (r: SendRequest, secretAs: 'placeholder' | 'variable' | 'secret') => {
    const { p, t } = await target(r, secretAs === 'secret');
    const variable = t.auth === 'token' ? TOKEN_VARIABLE : t.auth === 'none' ? undefined : PASSWORD_VARIABLE;
    const withSecret = secretAs === 'secret' && t.secret !== undefined;
    const secret: CurlRequest['secret'] = withSecret ? t.secret : secretAs === 'variable' && variable !== undefined ? { variable } : undefined;
    // Query auth carries the secret in the URL: the placeholder, the secret, or nothing after `p=` for the variable to follow.
    const inUrl = typeof secret === 'string' ? secret : secret === undefined ? PASSWORD_PLACEHOLDER : '';
    const url = writeUrl({ ...t, secret: t.auth === 'query' ? inUrl : undefined }, false);
    const command = curlCommand({ url, api: apiOf(p.kind), auth: t.auth, username: p.username, secret, body: r.body });
    return { command, variable: typeof secret === 'object' ? variable : undefined, withSecret };
  };

  return {
    async info() {
      return { mode: deps.mode, version: deps.version, secrets: await deps.profiles.protection(), endpoint: deps.endpoint.status() };
    },
    async listProfiles() {
      return [localProfile(), ...(await deps.profiles.list())];
    },
    async saveProfile(input) {
      if (input.id === LOCAL_PROFILE_ID) throw new AppError('invalid', "this app's endpoint is built in and cannot be changed");
      return deps.profiles.save(input);
    },
    async deleteProfile({ id }) {
      if (id === LOCAL_PROFILE_ID) throw new AppError('invalid', "this app's endpoint is built in and cannot be deleted");
      await deps.profiles.remove(id);
      return {};
    },
    async suggestDatabases({ profileId }) {
      const p = await profile(profileId);
      if (p.builtin) return { databases: await deps.endpoint.databases() };
      const secret = p.auth === 'none' ? undefined : await secretOf(p);
      try {
        return { databases: await remoteDatabases(p, secret, fetchFn) };
      } catch (e) {
        const err = e as Error & { cause?: { message?: string } };
        const why = err.name === 'TimeoutError' ? 'no answer within 5 s' : (err.cause?.message ?? err.message);
        return { databases: [], error: redact(`could not list the databases of ${p.url}: ${why}`, secret) };
      }
    },
    async send(r) {
      const { p, t } = await target(r, true);
      const result = await sendWrite(t, r.body, fetchFn);
      history.add({
        id: randomUUID(),
        time: now().toISOString(),
        profileId: p.id,
        profileName: p.name,
        url: result.url,
        db: t.db,
        rp: t.rp,
        org: t.org,
        bucket: t.bucket,
        precision: r.precision,
        status: result.status,
        durationMs: result.durationMs,
        lines: r.body === '' ? 0 : r.body.replace(/\n$/, '').split('\n').length,
        excerpt: r.body.slice(0, EXCERPT),
        body: r.body.length <= KEEP_BODY ? r.body : undefined,
        responseExcerpt: (result.error ?? result.body).slice(0, EXCERPT),
      });
      return result;
    },
    async copyAsCurl({ secretAs, ...r }) {
      const { command, variable } = await curl(r, secretAs);
      return { command, variable };
    },
    async copyAsCurlWithSecret(r) {
      if (deps.clipboard === undefined) {
        throw new AppError(
          'unavailable',
          `this host cannot reach your clipboard (browser mode), so it never copies a secret: copy the command that reads $${TOKEN_VARIABLE} or $${PASSWORD_VARIABLE}, and set that variable in your shell`,
        );
      }
      const { command, withSecret } = await curl(r, 'secret');
      deps.clipboard.writeText(command);
      return { copied: true as const, withSecret };
    },
    async listHistory({ query, limit }) {
      return history.list(query, limit);
    },
    async listBuckets() {
      return localData().buckets();
    },
    async describeMeasurements({ bucketId }) {
      await knownBucket(bucketId);
      return localData().measurements(bucketId);
    },
    async readPoints(q) {
      await knownBucket(q.bucketId);
      // One more than asked tells whether there is a next page.
      const points = await localData().read({ ...q, limit: q.limit + 1 });
      return { points: points.slice(0, q.limit), more: points.length > q.limit };
    },
    async listSeries({ bucketId, measurement }) {
      await knownBucket(bucketId);
      return localData().series(bucketId, measurement, 1000);
    },
    async createBucket({ name, retention }) {
      return localData().createBucket(name, retention ?? '0');
    },
    async deleteBucket({ bucketId }) {
      await knownBucket(bucketId);
      await localData().deleteBucket(bucketId);
      return {};
    },
    async listDbrps() {
      return localData().dbrps();
    },
    async createDbrp(m) {
      await knownBucket(m.bucketId);
      return localData().createDbrp({ ...m, default: m.default ?? false });
    },
    async deleteDbrp({ id }) {
      await localData().deleteDbrp(id);
      return {};
    },
    async listTokens() {
      return localData().tokens();
    },
    async createToken({ description, write }) {
      if (write !== 'all') await knownBucket(write);
      return localData().createToken(description, write);
    },
    async deleteToken({ id }) {
      await localData().deleteToken(id);
      return {};
    },
    async listV1Users() {
      return localData().v1Users();
    },
    async createV1User({ username, password, writeBucketId }) {
      await knownBucket(writeBucketId);
      return localData().createV1User(username, password, writeBucketId);
    },
    async deleteV1User({ id }) {
      await localData().deleteV1User(id);
      return {};
    },
    async updateEndpointSettings(s) {
      return localData().updateSettings(s);
    },
    async endpointSettings() {
      return localData().settings();
    },
    async runQuery(q) {
      return localData().query(q);
    },
    async exportLineProtocol(q) {
      await knownBucket(q.bucketId);
      return localData().exportText(q, 32 * 1024 * 1024);
    },
    async listRequests({ status, afterId }) {
      const all = (await deps.endpoint.requests?.()) ?? [];
      const cls = status === undefined || status === 'all' ? 0 : Number(status[0]);
      const out = [];
      for (let i = all.length - 1; i >= 0; i--) {
        const e = all[i];
        if (afterId !== undefined && e.id <= afterId) break;
        if (cls === 0 || Math.floor(e.status / 100) === cls) out.push(e);
      }
      return out;
    },
    async openFile({ path: file, precision, dialect, target }) {
      if (deps.mode !== 'desktop') throw new AppError('unavailable', 'this host takes files as uploads (POST /app-api/files), not by path');
      const refused = openPathRefusal(file);
      if (refused !== null) throw new AppError('invalid', refused);
      return await files.openPath(file, path.basename(file), { precision, dialect, target });
    },
    async fileStatus({ fileId }) {
      return await files.status(fileId);
    },
    async summarizeFile({ fileId, precision, target }) {
      return await files.summarize(fileId, { precision, target });
    },
    async discardFile({ fileId }) {
      await files.discard(fileId);
      return {};
    },
    async startUpload(r) {
      const { t } = await target({ ...r, body: '' }, true);
      const shown = writeUrl(t, true); // also refuses a target without db, org or bucket, or a bad precision
      return await files.startUpload(r.fileId, uploadTargetOf(t), shown, { batchLines: r.batchLines, skipInvalid: r.skipInvalid, dialect: r.dialect, target: t.kind, backoffMs: deps.uploadBackoffMs });
    },
    async uploadStatus({ uploadId }) {
      return await files.uploadStatus(uploadId);
    },
    async cancelUpload({ uploadId }) {
      return await files.cancelUpload(uploadId);
    },
    async clearHistory() {
      history.clear();
      return {};
    },
    ...workspaceHandlers(workspace),
    async openDocument() {
      return { document: await documents().open() };
    },
    async saveDocument(d) {
      return { saved: await documents().save(d) };
    },
  };
}

/** 1.x: SHOW DATABASES and each one's retention policies; 2.x/Cloud: the buckets. */
async function remoteDatabases(p: Profile, secret: string | undefined, fetchFn: typeof fetch): Promise<{ db: string; rps: string[] }[]> {
  const base = p.url.replace(/\/+$/, '');
  const headers: Record<string, string> = {};
  const q = new URLSearchParams();
  if (p.auth === 'token' && secret !== undefined) headers.Authorization = `Token ${secret}`;
  if (p.auth === 'basic') headers.Authorization = `Basic ${Buffer.from(`${p.username ?? ''}:${secret ?? ''}`).toString('base64')}`;
  if (p.auth === 'query') {
    q.set('u', p.username ?? '');
    q.set('p', secret ?? '');
  }
  const get = async (url: string) => {
    const res = await fetchFn(url, { headers, signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
    return (await res.json()) as unknown;
  };
  if (usesV2(p.kind)) {
    const qs = new URLSearchParams({ limit: '100' });
    if (p.org) qs.set('org', p.org);
    const j = (await get(`${base}/api/v2/buckets?${qs}`)) as { buckets?: { name: string }[] };
    return (j.buckets ?? []).filter((b) => !b.name.startsWith('_')).map((b) => ({ db: b.name, rps: [] }));
  }
  const show = async (stmt: string) => {
    const qs = new URLSearchParams(q);
    qs.set('q', stmt);
    const j = (await get(`${base}/query?${qs}`)) as { results?: { series?: { values?: unknown[][] }[] }[] };
    return (j.results?.[0]?.series?.[0]?.values ?? []).map((v) => String(v[0]));
  };
  const dbs = (await show('SHOW DATABASES')).filter((d) => d !== '_internal').slice(0, 100);
  const out: { db: string; rps: string[] }[] = [];
  for (const db of dbs) out.push({ db, rps: await show(`SHOW RETENTION POLICIES ON "${db.replace(/"/g, '\\"')}"`).catch(() => []) });
  return out;
}
