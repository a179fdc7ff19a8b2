// The tray menu model: what the menu says and offers in each endpoint state.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { trayCurlExample, trayIcon, trayMenu, trayTooltip, type TrayItem } from '../../electron/tray-menu.js';

const view = (items: TrayItem[]) => items.map((i) => (i.kind === 'separator' ? '---' : i.kind === 'label' ? `[${i.label}]` : `${i.label}${i.enabled ? '' : ' (disabled)'}`));

describe('tray menu', () => {
  it('running: status with the address, Stop, and everything to copy', () => {
    const s = { endpoint: { state: 'running' as const, url: 'http://127.0.0.1:8086' }, hasToken: true };
    expect(view(trayMenu(s))).toEqual([
      '[Endpoint running at http://127.0.0.1:8086]',
      'Stop endpoint',
      '---',
      'Copy URL',
      'Copy token',
      'Copy a curl example',
      '---',
      'Open window',
      'Quit',
    ]);
    expect(trayIcon(s)).toBe('running');
    expect(trayTooltip(s)).toBe('Line Protocol Studio — endpoint running at http://127.0.0.1:8086');
  });

  it('stopped: Start, nothing to copy', () => {
    const s = { endpoint: { state: 'stopped' as const }, hasToken: true };
    expect(view(trayMenu(s))).toEqual([
      '[Endpoint stopped]',
      'Start endpoint',
      '---',
      'Copy URL (disabled)',
      'Copy token (disabled)',
      'Copy a curl example (disabled)',
      '---',
      'Open window',
      'Quit',
    ]);
    expect(trayIcon(s)).toBe('stopped');
  });

  it('starting: Stop shown but not yet possible', () => {
    expect(view(trayMenu({ endpoint: { state: 'starting' }, hasToken: false })).slice(0, 2)).toEqual(['[Endpoint starting…]', 'Stop endpoint (disabled)']);
  });

  it('error: says what went wrong, offers Start, error icon', () => {
    const s = { endpoint: { state: 'error' as const, error: 'port 8086 is in use' }, hasToken: true };
    expect(view(trayMenu(s)).slice(0, 2)).toEqual(['[Endpoint error: port 8086 is in use]', 'Start endpoint']);
    expect(trayIcon(s)).toBe('error');
    expect(trayTooltip(s)).toBe('Line Protocol Studio — endpoint error: port 8086 is in use');
  });

  it('read-only (its disk full or failing): says why, error icon, still Stop and copy', () => {
    const why = 'no space left on device (writing the write-ahead log) since 2024-01-01T00:00:00.000Z';
    const s = { endpoint: { state: 'running' as const, url: 'http://127.0.0.1:8086', writable: false, readOnlyReason: why }, hasToken: true };
    expect(view(trayMenu(s)).slice(0, 4)).toEqual([`[Endpoint read-only (writes refused): ${why}]`, 'Stop endpoint', '---', 'Copy URL']);
    expect(trayIcon(s)).toBe('error');
    expect(trayTooltip(s)).toBe(`Line Protocol Studio — endpoint read-only at http://127.0.0.1:8086: ${why}`);
    // Writable again: as running.
    expect(trayIcon({ ...s, endpoint: { state: 'running', url: 'http://127.0.0.1:8086', writable: true } })).toBe('running');
  });

  it('running without a token to copy: token and curl disabled', () => {
    const items = view(trayMenu({ endpoint: { state: 'running', url: 'http://127.0.0.1:8086' }, hasToken: false }));
    expect(items).toContain('Copy token (disabled)');
    expect(items).toContain('Copy a curl example (disabled)');
    expect(items).toContain('Copy URL');
  });

  it('the curl example is a valid shell command', () => {
    const cmd = trayCurlExample('http://127.0.0.1:8086', 'tok');
    // Parsed by a real shell (with curl replaced by printf so nothing is sent).
    const out = execFileSync('bash', ['-c', `curl() { printf '%s\\n' "$@"; }; ${cmd}`], { encoding: 'utf8' });
    expect(out.split('\n').slice(0, 5)).toEqual(['--request', 'POST', 'http://127.0.0.1:8086/write?db=default&precision=s', '--header', 'Authorization: Token tok']);
    expect(out).toMatch(/--data-binary\nhello,from=tray value=1 \d{10}\n/);
  });
});
