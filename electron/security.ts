// The desktop window's security settings and guards, as plain data and functions (no
// `electron` import) so they are unit-tested under Node: isolation, sandbox, no Node in the
// renderer, a strict CSP, no navigation away, no new windows, no permissions.

/** webPreferences for the one BrowserWindow. */
export function secureWebPreferences(preload: string) {
  return {
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
  } as const;
}

export { CONTENT_SECURITY_POLICY } from '../app/csp.js';

/** The app's own pages are the only place the window may be. */
export function isAppUrl(url: string, appOrigin: string): boolean {
  try {
    const u = new URL(url);
    if (appOrigin === 'file://') return u.protocol === 'file:';
    return u.origin === appOrigin;
  } catch {
    return false;
  }
}

/** Decides a navigation or new-window request: stay on app pages, never open anything else. */
export function navigationDecision(url: string, appOrigin: string): 'allow' | 'deny' {
  return isAppUrl(url, appOrigin) ? 'allow' : 'deny';
}

/** Every permission request (camera, notifications, clipboard-read, …) is denied. */
export function permissionDecision(_permission: string): false {
  return false;
}
