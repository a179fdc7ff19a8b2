// "Copy as curl": the /write forms of InfluxDB's docs, byte for byte (read from the docs excerpt
// the endpoint-docs test runs through curl), the /api/v2/write headers, and shell quoting that a
// real bash turns back into exactly the arguments meant.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { curlCommand, PASSWORD_PLACEHOLDER, shellQuote, TOKEN_PLACEHOLDER, USERNAME_PLACEHOLDER } from '../../app/curl.js';
import { repoRoot } from '../support/shared.js';

const docs = readFileSync(path.join(repoRoot, 'test/integration/fixtures/influxdb-v2-1x-write-examples.md'), 'utf8');
/** The docs' ```sh block under a heading. */
function docExample(heading: string): string {
  const at = docs.indexOf(heading);
  if (at < 0) throw new Error(`no "${heading}" in the docs excerpt`);
  return /```sh\n([\s\S]*?)\n```/.exec(docs.slice(at))![1];
}

const ONE = 'measurement,host=host1 field1=2i,field2=2.0 1577836800000000000';

describe('the 1.x /write forms of the docs', () => {
  it('basic authentication, with the docs\' placeholders', () => {
    expect(curlCommand({ url: 'http://localhost:8086/write?db=mydb', api: 'v1', auth: 'basic', body: ONE })).toBe(docExample('Write data using basic authentication'));
    expect(`${USERNAME_PLACEHOLDER}:${PASSWORD_PLACEHOLDER}`).toBe('INFLUX_USERNAME:INFLUX_PASSWORD_OR_TOKEN');
  });

  it('token authentication', () => {
    expect(curlCommand({ url: 'http://localhost:8086/write?db=mydb', api: 'v1', auth: 'token', body: ONE })).toBe(docExample('Write data using token authentication'));
    expect(TOKEN_PLACEHOLDER).toBe('INFLUX_API_TOKEN');
  });

  it('several lines', () => {
    const body = [ONE, 'measurement,host=host2 field1=14i,field2=12.7 1577836800000000000', 'measurement,host=host3 field1=5i,field2=6.8 1577836800000000000'].join('\n');
    expect(curlCommand({ url: 'http://localhost:8086/write?db=mydb', api: 'v1', auth: 'token', body })).toBe(docExample('Write multiple lines of line protocol'));
  });

  it('a URL with & is the docs\' form with the URL quoted, so it runs as pasted', () => {
    const quoteUrl = (doc: string) => doc.replace(/^curl --request POST (\S+) /, 'curl --request POST "$1" ');
    expect(curlCommand({ url: 'http://localhost:8086/write?db=mydb&rp=customrp', api: 'v1', auth: 'token', body: ONE })).toBe(
      quoteUrl(docExample('Write data to a non-default retention policy')),
    );
    expect(curlCommand({ url: 'http://localhost:8086/write?db=mydb&precision=ms', api: 'v1', auth: 'token', body: 'measurement,host=host1 field1=2i,field2=2.0 1577836800000' })).toBe(
      quoteUrl(docExample('Write data with millisecond Unix timestamps')),
    );
  });

  it('shows the secret and the user name when given', () => {
    expect(curlCommand({ url: 'http://h:8086/write?db=d', api: 'v1', auth: 'basic', username: 'writer', secret: 'pw', body: 'm v=1' })).toBe(
      'curl --request POST http://h:8086/write?db=d \\\n  --user "writer:pw" \\\n  --data-binary "m v=1"',
    );
    expect(curlCommand({ url: 'http://h:8086/write?db=d', api: 'v1', auth: 'token', secret: 'T0K', body: 'm v=1' })).toContain('--header "Authorization: Token T0K"');
  });

  it('query authentication and no authentication carry no auth option', () => {
    expect(curlCommand({ url: 'http://h:8086/write?db=d&u=me&p=INFLUX_PASSWORD_OR_TOKEN', api: 'v1', auth: 'query', body: 'm v=1' })).toBe(
      'curl --request POST "http://h:8086/write?db=d&u=me&p=INFLUX_PASSWORD_OR_TOKEN" \\\n  --data-binary "m v=1"',
    );
    expect(curlCommand({ url: 'http://h:8086/write?db=d', api: 'v1', auth: 'none', body: 'm v=1' })).toBe('curl --request POST http://h:8086/write?db=d \\\n  --data-binary "m v=1"');
  });
});

describe('the /api/v2/write form', () => {
  it('has the token, content type and accept headers of the v2 docs', () => {
    expect(curlCommand({ url: 'http://localhost:8086/api/v2/write?org=o&bucket=b&precision=s', api: 'v2', auth: 'token', body: 'm v=1 1630424257' })).toBe(
      [
        'curl --request POST "http://localhost:8086/api/v2/write?org=o&bucket=b&precision=s"',
        '  --header "Authorization: Token INFLUX_API_TOKEN"',
        '  --header "Content-Type: text/plain; charset=utf-8"',
        '  --header "Accept: application/json"',
        '  --data-binary "m v=1 1630424257"',
      ].join(' \\\n'),
    );
  });
});

describe('shell quoting', () => {
  /** The arguments bash passes to curl for the command (curl replaced by a function that prints them). */
  function argv(command: string): string[] {
    const out = execFileSync('bash', ['-c', `curl() { printf '%s\\0' "$@"; }\n${command}`], { encoding: 'utf8' });
    return out.split('\0').slice(0, -1);
  }

  it('keeps every body byte: quotes, $, backticks, !, backslashes, newlines', () => {
    for (const body of [
      `m,t=a\\ b s="it's \\"quoted\\"",d="$HOME \`id\` !!" 1`,
      `m s='single' 1\nm s="dbl" 2\r\n`,
      `m v=1 $(touch /tmp/should-not-exist)`,
      "m s=\"a'b'c\" 1",
      '',
    ]) {
      const cmd = curlCommand({ url: 'http://h:8086/write?db=d&rp=r', api: 'v1', auth: 'token', secret: `t'o"k$en`, body });
      expect(argv(cmd)).toEqual(['--request', 'POST', 'http://h:8086/write?db=d&rp=r', '--header', `Authorization: Token t'o"k$en`, '--data-binary', body]);
    }
  });

  it('a body starting with @ goes as --data-raw, so curl never reads a file', () => {
    const cmd = curlCommand({ url: 'http://h:8086/write?db=d', api: 'v1', auth: 'none', body: '@etc/passwd v=1' });
    expect(argv(cmd)).toEqual(['--request', 'POST', 'http://h:8086/write?db=d', '--data-raw', '@etc/passwd v=1']);
  });

  it('reads the secret from a shell variable in one word, whatever the user name or URL holds', () => {
    const env = { INFLUX_TOKEN: `t'o"k$en`, INFLUX_PASSWORD: 'p&w#1 x' };
    const run = (command: string) =>
      execFileSync('bash', ['-c', `curl() { printf '%s\\0' "$@"; }\n${command}`], { encoding: 'utf8', env: { ...process.env, ...env } }).split('\0').slice(0, -1);
    const token = curlCommand({ url: 'http://h:8086/write?db=d', api: 'v1', auth: 'token', secret: { variable: 'INFLUX_TOKEN' }, body: 'm v=1' });
    expect(token).toContain('--header "Authorization: Token $INFLUX_TOKEN"');
    expect(run(token)).toEqual(['--request', 'POST', 'http://h:8086/write?db=d', '--header', `Authorization: Token t'o"k$en`, '--data-binary', 'm v=1']);
    const basic = curlCommand({ url: 'http://h:8086/write?db=d', api: 'v1', auth: 'basic', username: 'we"ird!$USER', secret: { variable: 'INFLUX_PASSWORD' }, body: 'm v=1' });
    expect(basic).toContain(`--user 'we"ird!$USER:'"$INFLUX_PASSWORD"`);
    expect(run(basic)).toEqual(['--request', 'POST', 'http://h:8086/write?db=d', '--user', 'we"ird!$USER:p&w#1 x', '--data-binary', 'm v=1']);
    const query = curlCommand({ url: 'http://h:8086/write?db=d&u=me&p=', api: 'v1', auth: 'query', secret: { variable: 'INFLUX_PASSWORD' }, body: 'm v=1' });
    expect(query).toBe('curl --request POST "http://h:8086/write?db=d&u=me&p=$INFLUX_PASSWORD" \\\n  --data-binary "m v=1"');
    expect(run(query)[2]).toBe('http://h:8086/write?db=d&u=me&p=p&w#1 x');
  });

  it("uses the docs' double quotes when nothing needs escaping, else single quotes with '\\''", () => {
    expect(shellQuote('a b')).toBe('"a b"');
    expect(shellQuote(`s="x" it's`)).toBe(`'s="x" it'\\''s'`);
  });
});
