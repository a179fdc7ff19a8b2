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

/**
 * The Content-Security-Policy of the renderer: only its own scripts (the editor's linter runs
 * in a same-origin Worker), no inline script, no remote connections (requests to servers are
 * made by the main process).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'", // Mantine injects CSS variables at runtime
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

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
