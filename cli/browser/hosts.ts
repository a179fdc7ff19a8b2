// Which `Host` names the UI and the app API answer to, and which `Origin` may change anything.
// A page on another site can point its own DNS name at 127.0.0.1 (DNS rebinding) and then talk to
// the endpoint as "same origin": checking the Host header against the names the endpoint was
// bound for stops that. The InfluxDB API does not check Host (InfluxDB does not either).
import { networkInterfaces, hostname } from 'node:os';

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);
const LOOPBACK_BINDS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** `host` as it appears in a Host header: IPv6 in brackets, lower case. */
function hostName(host: string): string {
  const h = host.toLowerCase();
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

/**
 * The Host values accepted for an endpoint bound to `bindHost` on `port`: the loopback names,
 * plus the configured name when `--host` names another one (for a wildcard bind, this machine's
 * addresses and host name). Port 80 may also come without its port.
 */
export function allowedHosts(bindHost: string, port: number): Set<string> {
  const names = new Set(LOOPBACK);
  if (WILDCARD.has(bindHost)) {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(hostName(a.address.split('%')[0]));
    names.add(hostName(hostname()));
  } else if (!LOOPBACK_BINDS.has(bindHost.toLowerCase())) names.add(hostName(bindHost));
  const out = new Set<string>();
  for (const n of names) {
    out.add(`${n}:${port}`);
    if (port === 80) out.add(n);
  }
  return out;
}

export type HostVerdict = { ok: true } | { ok: false; status: 421 | 403; message: string };

/** Whether a request's Host header names this endpoint. */
export function checkHost(allowed: ReadonlySet<string>, host: string | undefined, expected: string): HostVerdict {
  if (host !== undefined && allowed.has(host.toLowerCase())) return { ok: true };
  return {
    ok: false,
    status: 421,
    message: `this endpoint's UI and app API answer only at their own address (the request named host "${host ?? ''}"): open ${expected}`,
  };
}

/**
 * Whether a state-changing call comes from the endpoint's own page: its Origin must be present
 * and be the origin the page was loaded from (`http://` + the request's Host, already allowed).
 */
export function checkOrigin(host: string, origin: string | undefined): HostVerdict {
  if (origin === undefined) return { ok: false, status: 403, message: 'the app API takes calls from its own page only: send the Origin header of the page (browsers do)' };
  if (origin.toLowerCase() !== `http://${host.toLowerCase()}`) return { ok: false, status: 403, message: `cross-origin requests to the app API are refused (Origin ${origin})` };
  return { ok: true };
}
