// "Copy as curl": the request in the exact forms of InfluxDB's /write docs (`--request POST`,
// `--header "Authorization: Token …"` or `--user "USER:PASSWORD"`, `--data-binary`), with the
// docs' own placeholders for secrets, or a shell variable the command reads when it runs
// (`"Authorization: Token $INFLUX_TOKEN"`), or the secret itself (only ever for the host to put
// on the clipboard: it never goes to the renderer). Deliberately better than the docs in one
// way: the URL is quoted when it holds `&`, so the command runs as pasted.
// Pure: no Node or DOM APIs (the renderer may use it too).

export interface CurlRequest {
  /**
   * Full URL including the query string (with `u`/`p` when query auth; with a variable as the
   * secret, the URL ends with `p=` and the variable follows it).
   */
  url: string;
  api: 'v1' | 'v2' | 'v3';
  auth: 'none' | 'token' | 'basic' | 'query';
  username?: string;
  /** undefined: the docs' placeholder; `{ variable }`: that shell variable, read when the command runs. */
  secret?: string | { variable: string };
  body: string;
}

export const TOKEN_PLACEHOLDER = 'INFLUX_API_TOKEN';
export const USERNAME_PLACEHOLDER = 'INFLUX_USERNAME';
export const PASSWORD_PLACEHOLDER = 'INFLUX_PASSWORD_OR_TOKEN';
/** The shell variables the command reads its secret from, when asked to. */
export const TOKEN_VARIABLE = 'INFLUX_TOKEN';
export const PASSWORD_VARIABLE = 'INFLUX_PASSWORD';

/** Quotes for a POSIX shell: the docs' double quotes when nothing inside needs escaping, else single quotes. */
export function shellQuote(s: string): string {
  if (!/["\\$`!]/.test(s)) return `"${s}"`;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `literal` then the shell variable `name`, as one word the shell expands: `"…$NAME"`, or `'…'"$NAME"` when `literal` needs escaping. */
export function shellQuoteThenVariable(literal: string, name: string): string {
  const quoted = shellQuote(literal);
  return quoted.startsWith('"') ? `"${literal}$${name}"` : `${quoted}"$${name}"`;
}

/** One argument ending in the secret: as given, as a shell variable, or the docs' placeholder. */
function withSecret(before: string, secret: CurlRequest['secret'], placeholder: string): string {
  if (typeof secret === 'object') return shellQuoteThenVariable(before, secret.variable);
  return shellQuote(`${before}${secret ?? placeholder}`);
}

export function curlCommand(r: CurlRequest): string {
  if (r.api === 'v3') return curlCommandV3(r);
  const url =
    r.auth === 'query' && typeof r.secret === 'object' ? shellQuoteThenVariable(r.url, r.secret.variable) : /[&;|<>()\s'"]/.test(r.url) ? shellQuote(r.url) : r.url;
  const parts = [`curl --request POST ${url}`];
  if (r.auth === 'token') parts.push(`--header ${withSecret('Authorization: Token ', r.secret, TOKEN_PLACEHOLDER)}`);
  if (r.auth === 'basic') parts.push(`--user ${withSecret(`${r.username || USERNAME_PLACEHOLDER}:`, r.secret, PASSWORD_PLACEHOLDER)}`);
  if (r.api === 'v2') {
    parts.push(`--header "Content-Type: text/plain; charset=utf-8"`);
    parts.push(`--header "Accept: application/json"`);
  }
  // `--data-binary @x` would upload the file x: a body starting with `@` (a valid measurement
  // name) goes as --data-raw, which sends it as it is too but never reads a file.
  parts.push(`${r.body.startsWith('@') ? '--data-raw' : '--data-binary'} ${shellQuote(r.body)}`);
  return parts.join(' \\\n  ');
}

/**
 * InfluxDB 3's docs' form: `curl -v "…/api/v3/write_lp?db=…&precision=auto" \
 *   --header 'Authorization: Bearer DATABASE_TOKEN' --data-raw "…"`.
 */
export const V3_TOKEN_PLACEHOLDER = 'DATABASE_TOKEN';

function curlCommandV3(r: CurlRequest): string {
  const parts = [`curl -v ${shellQuote(r.url)}`];
  if (r.auth === 'token') parts.push(`--header ${withSecret('Authorization: Bearer ', r.secret, V3_TOKEN_PLACEHOLDER)}`);
  if (r.auth === 'basic') parts.push(`--user ${withSecret(`${r.username || USERNAME_PLACEHOLDER}:`, r.secret, PASSWORD_PLACEHOLDER)}`);
  // The docs use --data-raw: it never reads a file, also for a body starting with `@`.
  parts.push(`--data-raw ${shellQuote(r.body)}`);
  return parts.join(' \\\n  ');
}
