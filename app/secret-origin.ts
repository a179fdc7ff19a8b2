// A connection's stored secret belongs to the origin (scheme, host and port) of the URL it was
// given for: saving the connection with another origin and no new secret drops the stored one,
// so a changed URL can never carry a token or password to another server. The stores apply it
// (app/file-profiles.ts, electron/vault.ts); the connection dialog uses it to ask for the secret
// again. Pure: no Node or DOM APIs.

/** The URL's origin (`http://host:port`, default ports dropped), or undefined when it is not a URL. */
export function originOf(url: string): string | undefined {
  try {
    const o = new URL(url).origin;
    return o === 'null' ? undefined : o;
  } catch {
    return undefined;
  }
}

/** Whether a secret stored for `storedUrl` may stay when the connection's URL becomes `nextUrl`. */
export function secretStaysWith(storedUrl: string, nextUrl: string): boolean {
  const before = originOf(storedUrl);
  return before !== undefined && before === originOf(nextUrl);
}
