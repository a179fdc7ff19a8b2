// "Copy as curl": the request in the exact forms of InfluxDB's /write docs (`--request POST`,
// `--header "Authorization: Token …"` or `--user "USER:PASSWORD"`, `--data-binary`), with the
// docs' own placeholders for secrets unless the user asks to see them. Deliberately better than
// the docs in one way: the URL is quoted when it holds `&`, so the command runs as pasted.
// Pure: no Node or DOM APIs (the renderer may use it too).

export interface CurlRequest {
  /** Full URL including the query string (with `u`/`p` when query auth). */
  url: string;
  api: 'v1' | 'v2';
  auth: 'none' | 'token' | 'basic' | 'query';
  username?: string;
  /** undefined: use the docs' placeholder. */
  secret?: string;
  body: string;
}

export const TOKEN_PLACEHOLDER = 'INFLUX_API_TOKEN';
export const USERNAME_PLACEHOLDER = 'INFLUX_USERNAME';
export const PASSWORD_PLACEHOLDER = 'INFLUX_PASSWORD_OR_TOKEN';

/** Quotes for a POSIX shell: the docs' double quotes when nothing inside needs escaping, else single quotes. */
export function shellQuote(s: string): string {
  if (!/["\\$`!]/.test(s)) return `"${s}"`;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function curlCommand(r: CurlRequest): string {
  const url = /[&;|<>()\s'"]/.test(r.url) ? shellQuote(r.url) : r.url;
  const parts = [`curl --request POST ${url}`];
  if (r.auth === 'token') parts.push(`--header ${shellQuote(`Authorization: Token ${r.secret ?? TOKEN_PLACEHOLDER}`)}`);
  if (r.auth === 'basic') parts.push(`--user ${shellQuote(`${r.username || USERNAME_PLACEHOLDER}:${r.secret ?? PASSWORD_PLACEHOLDER}`)}`);
  if (r.api === 'v2') {
    parts.push(`--header "Content-Type: text/plain; charset=utf-8"`);
    parts.push(`--header "Accept: application/json"`);
  }
  // `--data-binary @x` would upload the file x: a body starting with `@` (a valid measurement
  // name) goes as --data-raw, which sends it as it is too but never reads a file.
  parts.push(`${r.body.startsWith('@') ? '--data-raw' : '--data-binary'} ${shellQuote(r.body)}`);
  return parts.join(' \\\n  ');
}
