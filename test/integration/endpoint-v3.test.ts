// InfluxDB 3's write API on `lpstudio serve`, through the real curl: /api/v3/write_lp (auto
// precision, both accept_partial modes with 3.x's exact JSON, the schema rules, a database made
// by its first write, database names) and `--compat influxdb3` on /write and /api/v2/write
// (precision m and h refused, rp mapping, never partial, the v2 message without a line number).
// What was stored is read back from the data directory once the server has stopped.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, float, int, pt, readAll, readMeta, sorted, startServer, type Pt, type RunningServer } from '../support/serve.js';

const CURL = '/usr/bin/curl';

interface CurlResult {
  status: number;
  body: string;
}

/** POSTs body to url with curl (token as `Authorization: Bearer`, as 3.x clients send it). */
function curl(srv: RunningServer, pathAndQuery: string, body: string, auth = `Bearer ${srv.token}`): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    const args = ['-sS', '-o', '-', '-w', '\n%{http_code}', '-X', 'POST', '-H', `Authorization: ${auth}`, '--data-binary', '@-', `${srv.url}${pathAndQuery}`];
    const child = execFile(CURL, args, { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err !== null) return reject(new Error(`curl failed: ${err.message} ${stderr}`));
      const nl = stdout.lastIndexOf('\n');
      resolve({ status: Number(stdout.slice(nl + 1)), body: stdout.slice(0, nl) });
    });
    child.stdin!.end(body);
  });
}

afterAll(cleanup);

describe('/api/v3/write_lp', () => {
  let srv: RunningServer;
  let stored: Record<string, Pt[]>;
  let metaAfter: Awaited<ReturnType<typeof readMeta>>;
  const results: Record<string, CurlResult> = {};

  beforeAll(async () => {
    srv = await startServer();
    const w = (key: string, q: string, body: string, auth?: string) => curl(srv, `/api/v3/write_lp?${q}`, body, auth).then((r) => (results[key] = r));
    // s, ms, us and ns timestamps of the same instant in one body, precision auto (the default).
    await w('auto', 'db=autodb', 'm,u=s v=1 1700000000\nm,u=ms v=2 1700000000123\nm,u=us v=3 1700000000123456\nm,u=ns v=4 1700000000123456789\nm,u=neg v=5 -1700000000\n');
    await w('explicit', 'db=autodb&precision=millisecond', 'e v=1i 1700000000123\n');
    // accept_partial=true (default): the good lines stored, the bad ones listed with their record number.
    await w('partial', 'db=partialdb', 'cpu,host=a v=1 1700000000\ncpu,host=a v="x" 1700000001\ncpu,host=a v=2,v=3 1700000002\n\nnot line protocol\ncpu,host=a host=1 1700000003\ncpu,host=b v=4 1700000004\n');
    // accept_partial=false: the first bad line, nothing stored, the database not created.
    await w('strict', 'db=strictdb&accept_partial=false', 'cpu v=1 1700000000\ncpu v=1i 1700000001\ncpu v=2 1700000002\n');
    await w('crate errors', 'db=partialdb', 'cpu\tv=1\ncpu v=1 \ncpu,t v=1\ncpu v=1.0i\ncpu v=-1u\n');
    await w('tag field name', 'db=schemadb', 'ok,k=a f=1 1\nclash,x=a x=1 1\n');
    await w('type kept', 'db=schemadb', 'ok,k=b f=2i 2\n');
    const wide = 'wide ' + Array.from({ length: 501 }, (_, i) => `f${i}=1`).join(',') + ' 1\n';
    await w('columns', 'db=schemadb', wide);
    await w('bad name', 'db=_under', 'm v=1 1\n');
    await w('two slashes', 'db=a/b/c', 'm v=1 1\n');
    await w('rp name', 'db=telegraf/weekly', 'm v=1 1\n');
    await w('bad precision', 'db=autodb&precision=m', 'm v=1 1\n');
    await w('empty', 'db=autodb', '\n\n# only a comment\n');
    await w('no auth', 'db=autodb', 'm v=1 1\n', 'Bearer not-a-token-at-all-here');
    await w('nosync', 'db=autodb&no_sync=true', 'ns v=1 1700000000\n');
    // Core allows 5 databases: default, autodb, partialdb, schemadb and telegraf/weekly exist now.
    await w('db limit', 'db=onetoomany', 'm v=1 1\n');
    await srv.stop();
    stored = await readAll(srv.dataDir);
    metaAfter = await readMeta(srv.dataDir);
  });

  it('precision auto reads s, ms, us and ns timestamps of one body by their magnitude', () => {
    expect(results.auto.status).toBe(204);
    expect(sorted(stored.autodb.filter((p) => p.measurement === 'm'))).toEqual(
      sorted([
        pt('m', { u: 's' }, { v: float(1) }, '1700000000000000000'),
        pt('m', { u: 'ms' }, { v: float(2) }, '1700000000123000000'),
        pt('m', { u: 'us' }, { v: float(3) }, '1700000000123456000'),
        pt('m', { u: 'ns' }, { v: float(4) }, '1700000000123456789'),
        pt('m', { u: 'neg' }, { v: float(5) }, '-1700000000000000000'),
      ]),
    );
    expect(results.explicit.status).toBe(204);
    expect(stored.autodb.filter((p) => p.measurement === 'e')).toEqual([pt('e', {}, { v: int(1) }, '1700000000123000000')]);
  });

  it('accept_partial=true stores the good lines and answers 400 with every bad line, numbered among records, original_line cut to 20 bytes', () => {
    expect(results.partial.status).toBe(400);
    expect(JSON.parse(results.partial.body)).toEqual({
      error: 'partial write of line protocol occurred',
      data: [
        { error_message: "invalid column type for column 'v', expected iox::column_type::field::float, got iox::column_type::field::string", line_number: 2, original_line: 'cpu,host=a v=x 17000' },
        { error_message: "invalid line protocol - multiple instances of 'v' field found", line_number: 3, original_line: 'cpu,host=a v=2,v=3 1' },
        // 3.x numbers records, not lines (the blank line is not counted), and quotes the physical line of that number.
        { error_message: 'No fields were provided', line_number: 4, original_line: '' },
        { error_message: "invalid column type for column 'host', expected iox::column_type::tag, got iox::column_type::field::float", line_number: 5, original_line: 'cpu,host=a host=1 17' },
      ],
    });
    expect(sorted(stored.partialdb)).toEqual(sorted([pt('cpu', { host: 'a' }, { v: float(1) }, '1700000000000000000'), pt('cpu', { host: 'b' }, { v: float(4) }, '1700000004000000000')]));
  });

  it('accept_partial=false answers the first bad line as "line protocol parsing error" and stores nothing', () => {
    expect(results.strict.status).toBe(400);
    expect(JSON.parse(results.strict.body)).toEqual({
      error: 'line protocol parsing error',
      data: { error_message: "invalid column type for column 'v', expected iox::column_type::field::float, got iox::column_type::field::integer", line_number: 2, original_line: 'cpu v=1i 1700000001' },
    });
    expect(stored.strictdb).toBeUndefined();
    expect(metaAfter.buckets.some((b) => b.name === 'strictdb')).toBe(false);
  });

  it("gives the Rust parser's own error texts where it differs from the Go parser", () => {
    expect(results['crate errors'].status).toBe(400);
    expect((JSON.parse(results['crate errors'].body) as { data: { error_message: string }[] }).data.map((d) => d.error_message)).toEqual([
      'Expected at least one space character, got `\tv=1`',
      'Could not parse entire line. Found trailing content: ` `',
      'Tag set malformed: could not find equals sign in `t v=1`',
      'Could not parse entire line. Found trailing content: `i`',
      'Could not parse entire line. Found trailing content: `u`',
    ]);
  });

  it('a tag and a field may not share a name; a column keeps its first type across writes', () => {
    expect(results['tag field name'].status).toBe(400);
    expect(JSON.parse(results['tag field name'].body).data).toEqual([
      { error_message: "invalid column type for column 'x', expected iox::column_type::tag, got iox::column_type::field::float", line_number: 2, original_line: 'clash,x=a x=1 1' },
    ]);
    expect(results['type kept'].status).toBe(400);
    expect(JSON.parse(results['type kept'].body).data[0].error_message).toBe("invalid column type for column 'f', expected iox::column_type::field::float, got iox::column_type::field::integer");
    // `1` under precision auto is a number of seconds.
    expect(stored.schemadb.filter((p) => p.measurement === 'ok')).toEqual([pt('ok', { k: 'a' }, { f: float(1) }, '1000000000')]);
  });

  it('a table past 500 columns is a schema-limit rejection: 422', () => {
    expect(results.columns.status).toBe(422);
    expect(JSON.parse(results.columns.body)).toEqual({
      error: 'partial write of line protocol occurred',
      data: [{ error_message: 'Update to schema would exceed number of columns per table limit of 500 columns', line_number: 1, original_line: 'wide f0=1,f1=1,f2=1,' }],
    });
    expect(stored.schemadb.some((p) => p.measurement === 'wide')).toBe(false);
  });

  it('database names: letters, digits, _ and -, at most one /, first a letter or digit', () => {
    expect(results['bad name']).toEqual({ status: 400, body: '{"error":"db name did not start with a number or letter"}' });
    expect(results['two slashes']).toEqual({ status: 400, body: `{"error":"db name with invalid retention policy, if providing a retention policy name, must be of form '<db_name>/<rp_name>'"}` });
    expect(results['rp name'].status).toBe(204);
    expect(stored['telegraf/weekly']).toEqual([pt('m', {}, { v: float(1) }, '1000000000')]);
  });

  it('a database is created by its first write and marked as made by a 3.x write', () => {
    for (const name of ['autodb', 'partialdb', 'schemadb', 'telegraf/weekly']) {
      const b = metaAfter.buckets.find((x) => x.name === name);
      expect(b, name).toBeDefined();
      expect(metaAfter.v3Databases).toContain(b!.id);
    }
    expect(metaAfter.v3Databases).not.toContain(metaAfter.buckets.find((x) => x.name === 'default')!.id);
  });

  it('no_sync=true answers 204 and the point is stored', () => {
    expect(results.nosync.status).toBe(204);
    expect(stored.autodb.filter((p) => p.measurement === 'ns')).toEqual([pt('ns', {}, { v: float(1) }, '1700000000000000000')]);
  });

  it("Core's limit of 5 databases: a sixth is refused with 422", () => {
    expect(results['db limit']).toEqual({ status: 422, body: '{"error":"Adding a new database would exceed limit of 5 databases"}' });
  });

  it('query errors as 3.x words them; a bad token is 401', () => {
    expect(results['bad precision']).toEqual({
      status: 400,
      body: 'serde error: unknown variant `m`, expected one of `auto`, `s`, `second`, `millisecond`, `ms`, `microsecond`, `u`, `us`, `n`, `nanosecond`, `ns`',
    });
    expect(results.empty).toEqual({ status: 400, body: 'incoming write was empty' });
    expect(results['no auth']).toEqual({ status: 401, body: '{"error":"the request was not authenticated"}' });
  });
});

describe('serve --compat influxdb3: /write and /api/v2/write as 3.x answers them', () => {
  let srv: RunningServer;
  let stored: Record<string, Pt[]>;
  const results: Record<string, CurlResult> = {};

  beforeAll(async () => {
    srv = await startServer({ args: ['--compat', 'influxdb3'] });
    const w = (key: string, pq: string, body: string, auth?: string) => curl(srv, pq, body, auth).then((r) => (results[key] = r));
    await w('v1 default ns', '/write?db=compat', 'a v=1 1700000000123456789\n', `Token ${srv.token}`);
    await w('v1 s', '/write?db=compat&precision=s', 'b v=1 1700000000\n', `Token ${srv.token}`);
    await w('v1 m', '/write?db=compat&precision=m', 'c v=1 1\n', `Token ${srv.token}`);
    await w('v1 h', '/write?db=compat&precision=h', 'c v=1 1\n', `Token ${srv.token}`);
    await w('v1 autogen', '/write?db=compat&rp=autogen', 'd v=1 1\n', `Token ${srv.token}`);
    await w('v1 DEFAULT', '/write?db=compat&rp=DEFAULT', 'e v=1 1\n', `Token ${srv.token}`);
    await w('v1 named rp', '/write?db=compat&rp=Weekly', 'f v=1 1\n', `Token ${srv.token}`);
    await w('v1 never partial', '/write?db=compat', 'g v=1 1\ng v="oops" 2\n', `Token ${srv.token}`);
    await w('v2 never partial', '/api/v2/write?bucket=compat', 'h v=1 1\nh v="oops" 2\n');
    await w('v2 m', '/api/v2/write?bucket=compat&precision=m', 'h v=1 1\n');
    await w('v2 ok', '/api/v2/write?bucket=compat2&precision=ms', 'i v=1i 1700000000123\n');
    await srv.stop();
    stored = await readAll(srv.dataDir);
  });

  it('/write defaults to nanoseconds and takes s', () => {
    expect(results['v1 default ns'].status).toBe(204);
    expect(results['v1 s'].status).toBe(204);
    expect(stored.compat.filter((p) => p.measurement === 'a' || p.measurement === 'b')).toEqual([pt('a', {}, { v: float(1) }, '1700000000123456789'), pt('b', {}, { v: float(1) }, '1700000000000000000')]);
  });

  it('/write refuses precision m and h', () => {
    const expected = (p: string) => ({
      status: 400,
      body: JSON.stringify({ error: `failed to deserialize db/rp/precision in request: unknown variant \`${p}\`, expected one of \`s\`, \`second\`, \`millisecond\`, \`ms\`, \`microsecond\`, \`u\`, \`us\`, \`n\`, \`nanosecond\`, \`ns\`` }),
    });
    expect(results['v1 m']).toEqual(expected('m'));
    expect(results['v1 h']).toEqual(expected('h'));
    expect(stored.compat.some((p) => p.measurement === 'c')).toBe(false);
  });

  it('rp autogen and default (any case) write to the database itself; another rp to `db/rp` (lower-cased)', () => {
    expect(results['v1 autogen'].status).toBe(204);
    expect(results['v1 DEFAULT'].status).toBe(204);
    expect(results['v1 named rp'].status).toBe(204);
    expect(stored.compat.filter((p) => p.measurement === 'd' || p.measurement === 'e').map((p) => p.measurement)).toEqual(['d', 'e']);
    expect(stored['compat/weekly']).toEqual([pt('f', {}, { v: float(1) }, '1')]);
  });

  it('never a partial write: /write names the line, /api/v2/write loses the line number', () => {
    expect(results['v1 never partial'].status).toBe(400);
    expect(JSON.parse(results['v1 never partial'].body)).toEqual({
      error: 'line protocol parsing error',
      data: { error_message: "invalid column type for column 'v', expected iox::column_type::field::float, got iox::column_type::field::string", line_number: 2, original_line: 'g v=oops 2' }, // the crate prints a string without its quotes,
    });
    expect(stored.compat.some((p) => p.measurement === 'g')).toBe(false);
    expect(results['v2 never partial'].status).toBe(400);
    expect(JSON.parse(results['v2 never partial'].body)).toEqual({
      code: 'invalid',
      message: "write buffer error: line protocol parse failed: invalid column type for column 'v', expected iox::column_type::field::float, got iox::column_type::field::string",
    });
    expect(stored.compat.some((p) => p.measurement === 'h')).toBe(false);
  });

  it('/api/v2/write: the bucket is the database (no org needed), precision m refused', () => {
    expect(results['v2 m'].status).toBe(400);
    expect(JSON.parse(results['v2 m'].body).message).toMatch(/^failed to deserialize org\/bucket\/precision in request: unknown variant `m`/);
    expect(results['v2 ok'].status).toBe(204);
    expect(stored.compat2).toEqual([pt('i', {}, { v: int(1) }, '1700000000123000000')]);
  });
});
