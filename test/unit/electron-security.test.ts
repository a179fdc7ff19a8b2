// The window's security settings and guards.
import { describe, expect, it } from 'vitest';
import { EXTERNAL_LINKS } from '../../app/external-links.js';
import { CONTENT_SECURITY_POLICY, createAppWindow, isAppPage, navigationDecision, permissionDecision, windowOpenDecision, type AppWindowOptions } from '../../electron/security.js';

/** Stands in for Electron's BrowserWindow: records what the window is created with. */
class RecordingWindow {
  constructor(readonly options: AppWindowOptions) {}
}

const APP_PAGE = 'file:///opt/lpstudio/resources/app/.vite/renderer/main_window/index.html';

describe('window security', () => {
  it('isolates and sandboxes the renderer with no Node access, and turns middle-click off', () => {
    const win = createAppWindow(RecordingWindow, '/app/preload.js');
    expect(win.options.webPreferences).toEqual({
      preload: '/app/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(win.options.show).toBe(false);
  });

  it('has a strict CSP: own scripts only, nothing inline or remote', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('keeps the window on the exact bundled index.html and denies every permission', () => {
    expect(navigationDecision(APP_PAGE, APP_PAGE)).toBe('allow');
    expect(navigationDecision(`${APP_PAGE}#/history`, APP_PAGE)).toBe('allow');
    for (const other of [
      'file:///home/me/Downloads/evil.html',
      'file:///opt/lpstudio/resources/app/.vite/renderer/main_window/other.html',
      'file:///opt/lpstudio/resources/app/.vite/renderer/main_window/index.html/x',
      'file:///opt/lpstudio/resources/app/.vite/renderer/main_window/',
      'file://evil.example/opt/lpstudio/resources/app/.vite/renderer/main_window/index.html',
      'https://evil.example/index.html',
      'not a url',
    ]) {
      expect(navigationDecision(other, APP_PAGE), other).toBe('deny');
    }
    // The dev server: its page only, not any page of its origin.
    expect(isAppPage('http://localhost:5173/', 'http://localhost:5173/')).toBe(true);
    expect(isAppPage('http://localhost:5173/@fs/etc/x.html', 'http://localhost:5173/')).toBe(false);
    expect(isAppPage('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read']) expect(permissionDecision(p)).toBe(false);
  });

  it('opens in the system browser only the links the app shows, by their exact address; never a window', () => {
    for (const link of Object.values(EXTERNAL_LINKS)) expect(windowOpenDecision(link)).toEqual({ open: 'external', url: link });
    for (const url of [
      'https://evil.example/',
      'https://docs.influxdata.com.evil.example/influxdb/v2/write-data/developer-tools/api/',
      `${EXTERNAL_LINKS.writeApiV2}../../../../evil`,
      `${EXTERNAL_LINKS.writeApiV2}?next=https://evil.example`,
      'https://docs.influxdata.com/',
      EXTERNAL_LINKS.writeApiV2.replace('https:', 'http:'),
      'file:///etc/passwd',
      'smb://host/share',
      'javascript:alert(1)',
    ]) {
      expect(windowOpenDecision(url), url).toEqual({ open: 'nothing' });
    }
  });
});
