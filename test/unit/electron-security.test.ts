// The window's security settings and guards.
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isAppUrl, navigationDecision, permissionDecision, secureWebPreferences } from '../../electron/security.js';

describe('window security', () => {
  it('isolates and sandboxes the renderer with no Node access', () => {
    expect(secureWebPreferences('/app/preload.js')).toMatchObject({
      preload: '/app/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
    });
  });

  it('has a strict CSP: own scripts only, nothing inline or remote', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('keeps the window on the app and denies every permission', () => {
    expect(navigationDecision('http://localhost:5173/index.html', 'http://localhost:5173')).toBe('allow');
    expect(navigationDecision('https://evil.example/', 'http://localhost:5173')).toBe('deny');
    expect(navigationDecision('http://localhost:5174/', 'http://localhost:5173')).toBe('deny');
    expect(isAppUrl('file:///opt/app/index.html', 'file://')).toBe(true);
    expect(isAppUrl('not a url', 'file://')).toBe(false);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read']) expect(permissionDecision(p)).toBe(false);
  });
});
