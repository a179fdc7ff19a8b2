// Every curl example of InfluxDB's "/write 1.x compatibility API" page, run through the real
// curl against `lpstudio serve` with only the host/port, token, username/password, db names and
// file path substituted; each answers 204 and the points read back exactly.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/shared.js';
import { cleanup, float, int, prepareDataDir, pt, readAll, sorted, startServer, str, uint, bool, type Pt, type RunningServer } from '../support/serve.js';

const CURL = '/usr/bin/curl';
const fixtures = path.join(repoRoot, 'test/integration/fixtures');
const DOCS = readFileSync(path.join(fixtures, 'influxdb-v2-1x-write-examples.md'), 'utf8');
const LP_FILE = path.join(fixtures, 'line-protocol.txt');
const V1_USER = 'docs-user';
const V1_PASSWORD = 'docs-password-1';

/** The ```sh blocks of the page with the ##### heading above each. */
function examples(md: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /^##### (.+)\n+```sh\n([\s\S]*?)\n```$/gm;
  for (let m = re.exec(md); m !== null; m = re.exec(md)) out.set(m[1], m[2]);
  return out;
}

/**
 * The words of a snippet as a shell passes them to curl: `\`-newline continues the line, double
 * quotes group (newlines inside stay). The URLs are taken as one word each, i.e. as if quoted: an
 * unquoted `&` (the `rp=` and `precision=` examples) would make a POSIX shell background curl.
 */
function shellWords(snippet: string): string[] {
  const s = snippet.replace(/\\\n/g, ' ');
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quoted = false;
  for (const ch of s) {
    if (quoted) {
      if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') {
      quoted = true;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quoted) throw new Error('unbalanced quote in snippet');
  if (inWord) words.push(cur);
  return words;
}

interface Subst {
  db: string;
  user?: string;
  password?: string;
}

interface CurlResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  args: string[];
}

function runExample(srv: RunningServer, snippet: string, s: Subst): Promise<CurlResult> {
  const words = shellWords(snippet);
  expect(words[0]).toBe('curl');
  const args = words.slice(1).map((w) =>
    w
      .replace('http://localhost:8086/', `${srv.url}/`)
      .replace(/([?&])db=mydb(?=&|$)/, `$1db=${s.db}`)
      .replace('Authorization: Token INFLUX_API_TOKEN', `Authorization: Token ${srv.token}`)
      .replace('INFLUX_USERNAME:INFLUX_PASSWORD_OR_TOKEN', `${s.user}:${s.password}`)
      .replace(/^@path\/to\/line-protocol\.txt$/, `@${LP_FILE}`),
  );
  for (const a of args) expect(a).not.toMatch(/localhost:8086|INFLUX_|mydb|path\/to/);
  return new Promise((resolve, reject) => {
    execFile(CURL, ['--silent', '--show-error', '--dump-header', '-', ...args], { timeout: 10_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err !== null) return reject(new Error(`curl ${args.join(' ')} failed: ${err.message} ${stderr}`));
      const end = stdout.indexOf('\r\n\r\n');
      const head = stdout.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(head[0].split(' ')[1]), headers, body: stdout.slice(end + 4), args });
    });
  });
}

const host1 = (time: string) => pt('measurement', { host: 'host1' }, { field1: int(2), field2: float(2) }, time);
const T = '1577836800000000000';

let srv: RunningServer;
const expected: Record<string, Pt[]> = {};
const docs = examples(DOCS);

beforeAll(async () => {
  const buckets = ['docs-basic-v1', 'docs-basic-token', 'docs-token', 'docs-rp', 'docs-rp-custom', 'docs-multi', 'docs-ms', 'docs-file'];
  const { dataDir, token } = await prepareDataDir([
    ...buckets.map((b) => ['bucket', 'create', '--name', b]),
    ['v1', 'auth', 'create', '--username', V1_USER, '--password', V1_PASSWORD, '--write-bucket', 'docs-basic-v1'],
    // docs-rp: autogen (bucket docs-rp) is the default, customrp (bucket docs-rp-custom) is not.
    ['v1', 'dbrp', 'create', '--db', 'docs-rp', '--rp', 'autogen', '--bucket', 'docs-rp', '--default'],
    ['v1', 'dbrp', 'create', '--db', 'docs-rp', '--rp', 'customrp', '--bucket', 'docs-rp-custom'],
  ]);
  for (const b of ['default', ...buckets]) expected[b] = [];
  srv = await startServer({ dataDir, token });
});

afterAll(cleanup);

describe('InfluxDB docs: /write 1.x compatibility API examples, run with curl', () => {
  it('the page has the six examples', () => {
    expect([...docs.keys()]).toEqual([
      'Write data using basic authentication',
      'Write data using token authentication',
      'Write data to a non-default retention policy',
      'Write multiple lines of line protocol',
      'Write data with millisecond Unix timestamps',
      'Use curl to write data from a file',
    ]);
  });

  const cases: { title: string; name: string; subst: () => Subst; points: Pt[] }[] = [
    {
      title: 'Write data using basic authentication',
      name: 'basic auth with a v1 username and password',
      subst: () => ({ db: 'docs-basic-v1', user: V1_USER, password: V1_PASSWORD }),
      points: [host1(T)],
    },
    {
      title: 'Write data using basic authentication',
      name: 'basic auth with any username and an API token as password',
      subst: () => ({ db: 'docs-basic-token', user: 'example-user', password: srv.token }),
      points: [host1(T)],
    },
    { title: 'Write data using token authentication', name: 'token auth', subst: () => ({ db: 'docs-token' }), points: [host1(T)] },
    {
      title: 'Write data to a non-default retention policy',
      name: 'rp=customrp (a DBRP mapping to another bucket)',
      subst: () => ({ db: 'docs-rp' }),
      points: [host1(T)],
    },
    {
      title: 'Write multiple lines of line protocol',
      name: 'several lines',
      subst: () => ({ db: 'docs-multi' }),
      points: [
        host1(T),
        pt('measurement', { host: 'host2' }, { field1: int(14), field2: float(12.7) }, T),
        pt('measurement', { host: 'host3' }, { field1: int(5), field2: float(6.8) }, T),
      ],
    },
    {
      title: 'Write data with millisecond Unix timestamps',
      name: 'precision=ms',
      subst: () => ({ db: 'docs-ms' }),
      points: [host1(T)],
    },
    {
      title: 'Use curl to write data from a file',
      name: '--data-binary @file',
      subst: () => ({ db: 'docs-file' }),
      points: [
        host1(T),
        pt('measurement', { host: 'host2' }, { field1: int(14), field2: float(12.7) }, T),
        // The two weather lines for the same series and time merge, the later temperature wins.
        pt(
          'weather',
          { location: 'us west', station: 'a,1' },
          {
            temperature: float(-35),
            humidity: int(71),
            raining: bool(true),
            note: str('light "rain" \\ wind'),
            count: uint('18446744073709551615'),
          },
          '1577836800000000001',
        ),
        pt('weather', { location: 'eu', station: 'b' }, { temperature: float(20) }, '1577836860000000000'),
      ],
    },
  ];

  for (const c of cases) {
    it(`${c.title}: ${c.name} → 204`, async () => {
      const snippet = docs.get(c.title);
      expect(snippet).toBeDefined();
      const s = c.subst();
      const r = await runExample(srv, snippet!, s);
      expect(r.status, `curl ${r.args.join(' ')}\n${r.body}`).toBe(204);
      expect(r.body).toBe('');
      expect(r.headers['x-influxdb-build']).toBe('OSS');
      expect(r.headers['x-influxdb-version']).toMatch(/^v2\.\d+\.\d+$/);
      expect(r.headers['content-type']).toBeUndefined();
      const bucket = c.title.includes('non-default retention policy') ? 'docs-rp-custom' : s.db;
      expected[bucket].push(...c.points);
    });
  }

  it('the points read back exactly (measurement, tags, typed fields, ns time), and nowhere else', async () => {
    expect(await srv.stop()).toBe(0);
    const stored = await readAll(srv.dataDir);
    const want: Record<string, Pt[]> = {};
    for (const [b, pts] of Object.entries(expected)) want[b] = sorted(pts);
    const got: Record<string, Pt[]> = {};
    for (const [b, pts] of Object.entries(stored)) got[b] = sorted(pts);
    expect(got).toEqual(want);
  });
});
