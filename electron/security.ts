// The desktop window's security settings and guards, as plain data and functions (no
// `electron` import) so they are unit-tested under Node: isolation, sandbox, no Node in the
// renderer, a strict CSP, no navigation away, no new windows, no permissions, and external
// links only to the exact addresses the app shows.
import { shownExternalLink } from '../app/external-links.js';

/** What createAppWindow gives the BrowserWindow constructor. */
export interface AppWindowOptions {
  width: number;
  height: number;
  show: boolean;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    webviewTag: false;
    spellcheck: false;
    disableBlinkFeatures: string;
  };
}

/**
 * The one window, with its webPreferences written out in the `new BrowserWindow({...})` call
 * itself so Electronegativity (test/unit/electronegativity.test.ts) reads them; the constructor is
 * injected (Electron's in main.ts, a recorder in tests).
 */
export function createAppWindow<W>(BrowserWindow: new (options: AppWindowOptions) => W, preload: string): W {
  return new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      // Middle-click would open a link in a new window, bypassing the click handling.
      disableBlinkFeatures: 'Auxclick',
    },
  });
}

export { CONTENT_SECURITY_POLICY } from '../app/csp.js';

/**
 * Whether `url` is the app's own page: the exact bundled index.html (`appPage` is its file URL,
 * or the dev server's page), not any file:// page nor any page of the same origin. The query and
 * fragment do not change which document it is.
 */
export function isAppPage(url: string, appPage: string): boolean {
  try {
    const u = new URL(url);
    const a = new URL(appPage);
    return u.protocol === a.protocol && u.host === a.host && u.pathname === a.pathname;
  } catch {
    return false;
  }
}

/** Decides a navigation: only to the app's page (a reload), never anywhere else. */
export function navigationDecision(url: string, appPage: string): 'allow' | 'deny' {
  return isAppPage(url, appPage) ? 'allow' : 'deny';
}

/**
 * Decides a new-window request (a link with target=_blank): never a window; the system browser
 * only for a link the app itself shows (app/external-links.ts), by its exact address.
 */
export function windowOpenDecision(url: string): { open: 'external'; url: string } | { open: 'nothing' } {
  const link = shownExternalLink(url);
  return link === undefined ? { open: 'nothing' } : { open: 'external', url: link };
}

/** Every permission request (camera, notifications, clipboard-read, …) is denied. */
export function permissionDecision(_permission: string): false {
  return false;
}
