// The desktop shell's main process: one secure window, a single instance, the endpoint in a
// utilityProcess (restarted if it dies), the app service behind one guarded IPC handler, and the
// credential vault over safeStorage with electron-store. Everything that can live without
// `electron` does (vault, ipc-guard, endpoint-supervisor, security, app/service) and is tested
// under Node; this file only wires Electron to them.
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, nativeImage, Notification, safeStorage, session, shell, Tray, utilityProcess } from 'electron';
import Store from 'electron-store';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IPC_CHANNEL } from '../app/contract.js';
import { createAppService } from '../app/service.js';
import { WorkspaceStore } from '../app/workspace-store.js';
import { writeFileAtomicSync } from '../server/fs/atomic-file.js';
import { DocumentFiles } from './document-files.js';
import { localDatabases } from '../server/databases.js';
import { DESKTOP_TOKEN_DESCRIPTION, MetaStore, replaceAppToken } from '../server/meta.js';
import { EndpointSupervisor, type EndpointChild } from './endpoint-supervisor.js';
import { handleIpc } from './ipc-guard.js';
import { CONTENT_SECURITY_POLICY, createAppWindow, navigationDecision, windowOpenDecision } from './security.js';
import { trayCurlExample, trayIcon, trayMenu, trayTooltip, type TrayAction } from './tray-menu.js';
import { CredentialVault } from './vault.js';

// Defined by Electron Forge's Vite plugin when it builds this file (see forge.config.ts).
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string | undefined;

const here = path.dirname(fileURLToPath(import.meta.url));
const DEV_URL = (typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string' ? MAIN_WINDOW_VITE_DEV_SERVER_URL : undefined) || process.env.VITE_DEV_SERVER_URL || undefined;
const RENDERER_NAME = typeof MAIN_WINDOW_VITE_NAME === 'string' ? MAIN_WINDOW_VITE_NAME : 'main_window';

/** The first of `candidates` that exists: Forge's Vite layout (.vite/build, .vite/renderer) or the repo's (dist/). */
function firstExisting(what: string, candidates: string[]): string {
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) throw new Error(`${what} not found (looked at ${candidates.join(', ')}); build it first`);
  return found;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let win: BrowserWindow | null = null;
  // A second start focuses this instance's window (also when it was closed to the tray).
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    }
  });

  app.whenReady().then(async () => {
    const userData = app.getPath('userData');
    const endpointDir = path.join(userData, 'endpoint');
    const settings = new Store({ name: 'settings' });
    const vault = new CredentialVault(safeStorage, { get: (k) => settings.get(k), set: (k, v) => settings.set(k, v) });

    const hostJs = firstExisting('the endpoint host', [path.join(here, 'endpoint-host.js'), path.join(here, '../cli/endpoint-host.js'), path.join(app.getAppPath(), 'dist/cli/endpoint-host.js')]);
    const iconsDir = firstExisting('the tray icons', [path.join(here, 'icons'), path.join(app.getAppPath(), 'electron/icons')]);
    const preloadJs = firstExisting('the preload', [path.join(here, 'preload.cjs'), path.join(here, 'preload.js')]);
    // The app's page: only this exact document counts as the app (IPC sender, navigation).
    const appPage =
      DEV_URL ??
      pathToFileURL(
        firstExisting('the renderer', [path.join(here, `../renderer/${RENDERER_NAME}/index.html`), path.join(here, '../renderer/index.html'), path.join(app.getAppPath(), 'dist/renderer/index.html')]),
      ).href;

    // The app's own token for its endpoint: minted once the endpoint has set up its data
    // directory (it onboards an empty one), kept only in memory, stored hashed.
    const meta = MetaStore.open(endpointDir);
    let token: string | undefined;
    const ensureToken = () => {
      if (token !== undefined || meta.get().orgs.length === 0) return;
      token = replaceAppToken(meta, DESKTOP_TOKEN_DESCRIPTION);
    };

    let refreshTray = () => {};
    const supervisor = new EndpointSupervisor({
      onStatus: (st) => {
        if (st.state === 'running') {
          try {
            ensureToken();
          } catch (e) {
            console.error(`could not create the app's endpoint token: ${(e as Error).message}`);
          }
        }
        refreshTray();
      },
      dataDir: endpointDir,
      port: Number(settings.get('endpoint.port') ?? 8086),
      log: (m) => console.error(m),
      spawn: (): EndpointChild => {
        const child = utilityProcess.fork(hostJs, [], { serviceName: 'lpstudio-endpoint', stdio: 'inherit' });
        return {
          postMessage: (m) => child.postMessage(m),
          onMessage: (fn) => child.on('message', fn),
          onExit: (fn) => child.on('exit', fn),
          kill: () => void child.kill(),
        };
      },
    });
    // Not awaited: the window opens while the endpoint starts (or fails to: the tray and the UI say so).
    void supervisor.start();

    // The composer's session, in the app's data dir; a pending write is flushed at quit.
    const workspace = new WorkspaceStore(path.join(userData, 'app', 'workspace.json'));

    // Quitting stops the endpoint cleanly first (its store flushes and closes), then quits.
    let quitting = false;
    let stopped = false;
    let stopping = false;
    app.on('before-quit', (e) => {
      quitting = true;
      try {
        workspace.flush();
      } catch (err) {
        console.error(`saving the session: ${(err as Error).message}`);
      }
      if (stopped) return;
      e.preventDefault();
      if (stopping) return;
      stopping = true;
      void supervisor
        .stop()
        .catch((err: unknown) => console.error(`stopping the endpoint: ${(err as Error).message}`))
        .finally(() => {
          stopped = true;
          app.quit();
        });
    });

    const service = createAppService({
      mode: 'desktop',
      version: app.getVersion(),
      dataDir: path.join(userData, 'app'),
      workspace,
      // Open and Save: native dialogs here; the window gets the text and an opaque handle, never a path.
      documents: new DocumentFiles({
        showOpenDialog: async () => {
          const r = await dialog.showOpenDialog(win!, { properties: ['openFile'], filters: [{ name: 'Line protocol', extensions: ['lp', 'txt'] }, { name: 'All files', extensions: ['*'] }] });
          return r.canceled ? undefined : r.filePaths[0];
        },
        showSaveDialog: async (defaultName) => {
          const r = await dialog.showSaveDialog(win!, { defaultPath: path.join(app.getPath('documents'), defaultName), filters: [{ name: 'Line protocol', extensions: ['lp', 'txt'] }] });
          return r.canceled ? undefined : r.filePath;
        },
        fileSize: async (file) => (await stat(file)).size,
        readFile: (file) => readFile(file),
        // A user's document: readable as their other files are, replaced atomically.
        writeFile: async (file, data) => writeFileAtomicSync(file, data, { mode: 0o644 }),
      }),
      profiles: vault,
      // "Copy as curl" with the secret: written here, in the main process; the secret never reaches the window.
      clipboard: { writeText: (text) => clipboard.writeText(text) },
      // Dropped files are summarized and uploaded in the endpoint's process, not on this thread.
      files: supervisor.files,
      endpoint: {
        status: () => supervisor.status(),
        token: () => token,
        databases: async () => localDatabases(meta.get()),
        // The data browser and the request inspector: answered by the endpoint's process.
        data: supervisor.data,
        requests: () => supervisor.requests(),
      },
    });

    // Deny every permission request; no navigation away; no new windows.
    session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
      cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    });
    app.on('web-contents-created', (_e, contents) => {
      contents.on('will-navigate', (e, url) => {
        if (navigationDecision(url, appPage) === 'deny') e.preventDefault();
      });
      contents.on('will-redirect', (e, url) => {
        if (navigationDecision(url, appPage) === 'deny') e.preventDefault();
      });
      // Links the app shows (app/external-links.ts) open in the system browser; nothing else, and never a window.
      contents.setWindowOpenHandler(({ url }) => {
        const decision = windowOpenDecision(url);
        if (decision.open === 'external') void shell.openExternal(decision.url);
        return { action: 'deny' };
      });
    });

    ipcMain.handle(IPC_CHANNEL, (e, payload) =>
      handleIpc(e, payload, { webContentsId: () => (win !== null && !win.isDestroyed() ? win.webContents.id : undefined), appPage }, service, (m) => console.error(m)),
    );

    const showWindow = () => {
      win?.show();
      win?.focus();
    };

    // The tray: the endpoint's state, start/stop, its address, and the window.
    const tray = new Tray(nativeImage.createFromPath(path.join(iconsDir, 'tray-stopped.png')));
    const act = (id: TrayAction) => {
      const url = supervisor.status().url ?? '';
      if (id === 'start') void supervisor.start();
      else if (id === 'stop') void supervisor.stop();
      else if (id === 'copy-url') clipboard.writeText(url);
      // The tray copies a write-only token for bucket "default" (minted in the endpoint's process),
      // never the app's own token, which writes to every bucket.
      else if (id === 'copy-token' || id === 'copy-curl') {
        supervisor.trayToken().then(
          (t) => clipboard.writeText(id === 'copy-token' ? t : trayCurlExample(url, t)),
          (e: unknown) => new Notification({ title: 'Could not copy the token', body: (e as Error).message }).show(),
        );
      }
      else if (id === 'open-window') showWindow();
      else if (id === 'quit') {
        quitting = true;
        app.quit();
      }
    };
    refreshTray = () => {
      const state = { endpoint: supervisor.status(), hasToken: token !== undefined };
      tray.setImage(nativeImage.createFromPath(path.join(iconsDir, `tray-${trayIcon(state)}.png`)));
      tray.setToolTip(trayTooltip(state));
      tray.setContextMenu(
        Menu.buildFromTemplate(
          trayMenu(state).map((i) =>
            i.kind === 'separator' ? { type: 'separator' as const } : i.kind === 'label' ? { label: i.label, enabled: false } : { label: i.label, enabled: i.enabled, click: () => act(i.id) },
          ),
        ),
      );
    };
    refreshTray();
    tray.on('click', showWindow);

    win = createAppWindow(BrowserWindow, preloadJs);
    win.once('ready-to-show', () => win?.show());
    // Closing the window keeps the app and its endpoint in the tray (a setting, on by default), said once.
    win.on('close', (e) => {
      if (quitting || settings.get('closeToTray', true) === false) return;
      e.preventDefault();
      win?.hide();
      if (settings.get('closeToTrayNoticeShown') !== true) {
        settings.set('closeToTrayNoticeShown', true);
        new Notification({ title: 'Line Protocol Studio is still running', body: 'The endpoint keeps running in the tray. Quit from the tray menu.' }).show();
      }
    });
    await win.loadURL(appPage);
  }).catch((e: unknown) => {
    // A broken install (a build output missing) or an unusable data directory: say so and exit.
    dialog.showErrorBox('Line Protocol Studio could not start', (e as Error)?.message ?? String(e));
    app.exit(1);
  });

  // The tray keeps the app alive when its window is closed.
  app.on('window-all-closed', () => {});
}
