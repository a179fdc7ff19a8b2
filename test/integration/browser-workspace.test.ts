// The composer's session in browser mode over real HTTP: kept per signed-in user (an operator
// token, the one-time link's owner), validated by the contract, refused cross-site, written to
// the data directory and there after a restart; a corrupt file is set aside with a notice.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from '../../app/contract.js';
import { cleanup, readMeta, startServer, type RunningServer } from '../support/serve.js';

let app: RunningServer;

async function signIn(credential: { token: string } | { code: string }): Promise<string> {
  const res = await fetch(`${app.url}/app-api/sign-in`, { method: 'POST', headers: { Origin: app.url, 'Content-Type': 'application/json' }, body: JSON.stringify(credential) });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0];
}

async function call(cookie: string, method: string, input: unknown, origin = app.url): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app.url}/app-api/${method}`, { method: 'POST', headers: { Origin: origin, 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify(input) });
  return { status: res.status, body: await res.json() };
}

const session: Workspace = {
  version: 1,
  activeId: 'd-b',
  documents: [
    { id: 'd-a', name: 'Untitled 1', text: 'cpu v=1 1\n', dirty: false, eol: 'lf', profileId: 'local', db: 'default', rp: '', org: '', bucket: '', precision: 'ns', autoPrecision: true, acceptPartial: true, noSync: false, auth: 'profile' },
    { id: 'd-b', name: 'notes.lp', text: 'mem v=${v} ${now}', dirty: true, eol: 'crlf', profileId: 'local', db: 'default', rp: '', org: '', bucket: '', precision: 's', autoPrecision: false, acceptPartial: false, noSync: true, auth: 'token' },
  ],
  environments: { local: { v: '42' } },
};

beforeAll(async () => {
  app = await startServer();
});
afterAll(cleanup);

describe('the session in browser mode', () => {
  let operator = '';
  let owner = '';

  it("is each signed-in user's own", async () => {
    operator = await signIn({ token: app.token });
    owner = await signIn({ code: /#code=([A-Za-z0-9_-]+)/.exec(app.stdout())![1] });
    expect((await call(operator, 'loadWorkspace', {})).body).toEqual({ workspace: { version: 1, documents: [], environments: {} } });
    expect((await call(operator, 'saveWorkspace', session)).status).toBe(200);
    expect((await call(operator, 'loadWorkspace', {})).body).toEqual({ workspace: session });
    expect((await call(owner, 'loadWorkspace', {})).body).toEqual({ workspace: { version: 1, documents: [], environments: {} } });
  });

  it('takes only what the contract says, only from the page itself', async () => {
    const bad = await call(operator, 'saveWorkspace', { ...session, documents: [{ ...session.documents[0], id: '../../etc' }] });
    expect(bad).toEqual({ status: 400, body: { code: 'invalid', message: expect.stringMatching(/^invalid input for saveWorkspace: documents\.0\.id/) } });
    expect((await call(operator, 'saveWorkspace', { ...session, documents: [] }, 'https://evil.example')).status).toBe(403);
    expect((await call('', 'saveWorkspace', session)).status).toBe(401);
    expect((await call(operator, 'loadWorkspace', {})).body).toEqual({ workspace: session });
  });

  it("a document saved without InfluxDB 3 choices (an older page) gets 3.x's defaults", async () => {
    const { autoPrecision: _a, acceptPartial: _p, noSync: _n, ...older } = session.documents[1];
    expect((await call(operator, 'saveWorkspace', { ...session, documents: [session.documents[0], older] })).status).toBe(200);
    expect((await call(operator, 'loadWorkspace', {})).body.workspace.documents[1]).toEqual({ ...session.documents[1], autoPrecision: true, acceptPartial: true, noSync: false });
    expect((await call(operator, 'saveWorkspace', session)).status).toBe(200);
    expect((await call(operator, 'loadWorkspace', {})).body).toEqual({ workspace: session });
  });

  it('is written to the data directory, named by the token ID, and comes back after a restart', async () => {
    await app.stop();
    const hash = createHash('sha256').update(app.token, 'utf8').digest('hex');
    const tokenId = (await readMeta(app.dataDir)).tokens.find((t) => t.hash === hash)!.id;
    const dir = path.join(app.dataDir, 'app', 'workspaces');
    const files = readdirSync(dir);
    expect(files).toContain(`${tokenId}.json`);
    expect(JSON.parse(readFileSync(path.join(dir, `${tokenId}.json`), 'utf8'))).toEqual(session);
    app = await startServer({ dataDir: app.dataDir, token: app.token });
    operator = await signIn({ token: app.token });
    expect((await call(operator, 'loadWorkspace', {})).body).toEqual({ workspace: session });
  });

  it('a corrupt session file falls back to an empty session, is kept aside, and the user is told once', async () => {
    await app.stop();
    const dir = path.join(app.dataDir, 'app', 'workspaces');
    const file = path.join(dir, readdirSync(dir).find((f) => f.endsWith('.json') && f !== 'owner.json')!);
    writeFileSync(file, '{"version":1,"documents":[{"id":');
    app = await startServer({ dataDir: app.dataDir, token: app.token });
    operator = await signIn({ token: app.token });
    const first = (await call(operator, 'loadWorkspace', {})).body;
    expect(first.workspace).toEqual({ version: 1, documents: [], environments: {} });
    expect(first.notice).toMatch(/The saved session could not be read .*; the file is kept as .*\.json\.corrupt-/);
    expect((await call(operator, 'loadWorkspace', {})).body).toEqual({ workspace: { version: 1, documents: [], environments: {} } });
    const aside = readdirSync(dir).find((f) => f.includes('.corrupt-'))!;
    expect(readFileSync(path.join(dir, aside), 'utf8')).toBe('{"version":1,"documents":[{"id":');
    expect(existsSync(file)).toBe(false);
  });
});
