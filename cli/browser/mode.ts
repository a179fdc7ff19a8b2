// Wires the browser mode onto a running endpoint (`lpstudio serve`): the app service over the
// endpoint's own data, its dropped files staged in the data directory, and a token of its own to
// write with, held in memory. The endpoint knows nothing of it beyond the extra routes.
import path from 'node:path';
import { FileProfileStore } from '../../app/file-profiles.js';
import { FileJobs } from '../../app/files/file-jobs.js';
import { createAppService } from '../../app/service.js';
import { WorkspaceStore } from '../../app/workspace-store.js';
import { localDatabases } from '../../server/databases.js';
import { writability, type EndpointCore, type EndpointExtension } from '../../server/endpoint.js';
import { APP_TOKEN_DESCRIPTION, replaceAppToken } from '../../server/meta.js';
import { createLocalData } from '../local-data.js';
import { allowedHosts } from './hosts.js';
import { createBrowserMode, type BrowserMode } from './routes.js';
import { Sessions, SESSION_LIMITS, type SessionLimits } from './sessions.js';

export interface BrowserModeSetup {
  version: string;
  /** Most bytes all staged files may take together (default STAGE_QUOTA_BYTES). */
  stageQuotaBytes?: number;
  sessionLimits?: SessionLimits;
}

export function mountBrowserMode(core: EndpointCore, o: BrowserModeSetup): { mode: BrowserMode; extension: EndpointExtension } {
  const appToken = replaceAppToken(core.meta, APP_TOKEN_DESCRIPTION);
  const files = new FileJobs(path.join(core.dataDir, 'app', 'uploads'));
  const sessions = new Sessions(o.sessionLimits ?? SESSION_LIMITS);
  const service = createAppService({
    files,
    mode: 'browser',
    version: o.version,
    dataDir: path.join(core.dataDir, 'app'),
    profiles: new FileProfileStore(path.join(core.dataDir, 'app')),
    endpoint: {
      status: () => ({ state: core.url() === '' ? 'starting' : 'running', url: core.url() === '' ? undefined : core.url(), ...writability(core.store.health()) }),
      token: () => appToken,
      databases: async () => localDatabases(core.meta.get()),
      requests: () => core.requests(),
      data: createLocalData(core),
    },
  });
  // The port is known once the endpoint listens (it may be given as 0).
  let hosts: { port: number; names: ReadonlySet<string> } | undefined;
  const names = () => {
    const { host, port } = core.settings();
    if (hosts?.port !== port) hosts = { port, names: allowedHosts(host, port) };
    return hosts.names;
  };
  // One session file per signed-in user, named by the server-made user ID (a token ID or "owner").
  const workspaces = new Map<string, WorkspaceStore>();
  const workspaceOf = (user: string) => {
    let w = workspaces.get(user);
    if (w === undefined) {
      w = new WorkspaceStore(path.join(core.dataDir, 'app', 'workspaces', `${user.replace(/[^a-z0-9-]/g, '_')}.json`));
      workspaces.set(user, w);
    }
    return w;
  };
  const mode = createBrowserMode({ meta: core.meta, service, files, sessions, hosts: names, url: core.url, stageQuotaBytes: o.stageQuotaBytes, workspaceOf });
  return {
    mode,
    extension: {
      routes: mode,
      close: () => {
        for (const w of workspaces.values()) w.flush();
        files.close();
        sessions.close();
      },
    },
  };
}
