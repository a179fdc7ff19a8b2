// Which Host names the browser mode answers to (cli/browser/hosts.ts), and which Origin may call.
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { allowedHosts, checkHost, checkOrigin } from '../../cli/browser/hosts.js';

describe('allowed Host names', () => {
  it('bound to loopback: the loopback names with the port, nothing else', () => {
    expect([...allowedHosts('127.0.0.1', 8086)].sort()).toEqual(['127.0.0.1:8086', '[::1]:8086', 'localhost:8086']);
    expect([...allowedHosts('::1', 8086)].sort()).toEqual(['127.0.0.1:8086', '[::1]:8086', 'localhost:8086']);
  });

  it('bound to a name given with --host: that name too, IPv6 in brackets; port 80 also without it', () => {
    expect(allowedHosts('studio.lan', 9000).has('studio.lan:9000')).toBe(true);
    expect(allowedHosts('Studio.LAN', 9000).has('studio.lan:9000')).toBe(true);
    expect(allowedHosts('fd00::5', 9000).has('[fd00::5]:9000')).toBe(true);
    const on80 = allowedHosts('studio.lan', 80);
    expect([on80.has('studio.lan'), on80.has('studio.lan:80'), on80.has('evil.example')]).toEqual([true, true, false]);
  });

  it('bound to every interface: this machine names and addresses', () => {
    const all = allowedHosts('0.0.0.0', 8086);
    expect(all.has(`${hostname().toLowerCase()}:8086`)).toBe(true);
    expect(all.has('127.0.0.1:8086')).toBe(true);
    expect(all.has('evil.example:8086')).toBe(false);
  });

  it('checks the Host header case-insensitively and names the right address when refusing', () => {
    const allowed = allowedHosts('127.0.0.1', 8086);
    expect(checkHost(allowed, 'LOCALHOST:8086', 'http://127.0.0.1:8086')).toEqual({ ok: true });
    expect(checkHost(allowed, 'localhost:8087', 'http://127.0.0.1:8086')).toMatchObject({ ok: false, status: 421 });
    expect(checkHost(allowed, undefined, 'http://127.0.0.1:8086')).toEqual({
      ok: false,
      status: 421,
      message: `this endpoint's UI and app API answer only at their own address (the request named host ""): open http://127.0.0.1:8086`,
    });
  });

  it('an Origin must be the page own: present, same scheme, host and port', () => {
    expect(checkOrigin('127.0.0.1:8086', 'http://127.0.0.1:8086')).toEqual({ ok: true });
    expect(checkOrigin('127.0.0.1:8086', undefined)).toMatchObject({ ok: false, status: 403 });
    expect(checkOrigin('127.0.0.1:8086', 'null')).toMatchObject({ ok: false, status: 403 });
    expect(checkOrigin('127.0.0.1:8086', 'https://127.0.0.1:8086')).toMatchObject({ ok: false, status: 403 });
    expect(checkOrigin('127.0.0.1:8086', 'http://localhost:8086')).toMatchObject({ ok: false, status: 403 });
  });
});
