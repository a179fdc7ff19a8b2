// The tray's menu and icon, built from state by a pure function (no `electron` import), so it is
// unit-tested under Node; main.ts turns the items into Electron MenuItems and routes clicks by id.
import type { EndpointStatus } from '../app/contract.js';

export type TrayAction = 'start' | 'stop' | 'copy-url' | 'copy-token' | 'copy-curl' | 'open-window' | 'quit';

export type TrayItem =
  | { kind: 'label'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; id: TrayAction; label: string; enabled: boolean };

export interface TrayState {
  endpoint: EndpointStatus;
  /** Whether the app holds a token for its endpoint (to copy). */
  hasToken: boolean;
}

export type TrayIcon = 'running' | 'stopped' | 'error';

/** Running but refusing writes (its disk full or failing): shown as a problem. */
function readOnly(e: EndpointStatus): boolean {
  return e.state === 'running' && e.writable === false;
}

export function trayIcon(s: TrayState): TrayIcon {
  if (readOnly(s.endpoint)) return 'error';
  if (s.endpoint.state === 'running') return 'running';
  if (s.endpoint.state === 'error') return 'error';
  return 'stopped';
}

export function trayTooltip(s: TrayState): string {
  const e = s.endpoint;
  if (readOnly(e)) return `Line Protocol Studio — endpoint read-only at ${e.url}: ${e.readOnlyReason ?? 'its disk fails'}`;
  if (e.state === 'running') return `Line Protocol Studio — endpoint running at ${e.url}`;
  if (e.state === 'error') return `Line Protocol Studio — endpoint error: ${e.error ?? 'unknown'}`;
  return `Line Protocol Studio — endpoint ${e.state}`;
}

export function trayMenu(s: TrayState): TrayItem[] {
  const e = s.endpoint;
  const running = e.state === 'running';
  const busy = e.state === 'starting';
  const status = readOnly(e)
    ? `Endpoint read-only (writes refused): ${e.readOnlyReason ?? 'its disk fails'}`
    : e.state === 'running' ? `Endpoint running at ${e.url}` : e.state === 'error' ? `Endpoint error: ${e.error ?? 'unknown'}` : e.state === 'starting' ? 'Endpoint starting…' : 'Endpoint stopped';
  return [
    { kind: 'label', label: status },
    running || busy ? { kind: 'action', id: 'stop', label: 'Stop endpoint', enabled: running } : { kind: 'action', id: 'start', label: 'Start endpoint', enabled: true },
    { kind: 'separator' },
    { kind: 'action', id: 'copy-url', label: 'Copy URL', enabled: running },
    { kind: 'action', id: 'copy-token', label: 'Copy token', enabled: running && s.hasToken },
    { kind: 'action', id: 'copy-curl', label: 'Copy a curl example', enabled: running && s.hasToken },
    { kind: 'separator' },
    { kind: 'action', id: 'open-window', label: 'Open window', enabled: true },
    { kind: 'action', id: 'quit', label: 'Quit', enabled: true },
  ];
}

/** The curl example the tray copies: one point to the default bucket, in the docs' form. */
export function trayCurlExample(url: string, token: string): string {
  return [
    `curl --request POST "${url}/write?db=default&precision=s" \\`,
    `  --header "Authorization: Token ${token}" \\`,
    `  --data-binary "hello,from=tray value=1 $(date +%s)"`,
  ].join('\n');
}
