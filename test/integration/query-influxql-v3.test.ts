// InfluxDB 3's /api/v3/query_influxql on `lpstudio serve`, through the real curl: data written
// with /api/v3/write_lp is read back in each of 3.x's row formats (json, jsonl, csv, pretty)
// with the `iox::measurement` column, GET and POST (JSON body), and 3.x's errors: a parse
// error, no database, several statements, an unknown format, no token.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, startServer, type RunningServer } from '../support/serve.js';

const CURL = '/usr/bin/curl';

interface CurlResult {
  status: number;
  contentType: string;
  body: string;
}

function curl(args: string[]): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    execFile(CURL, ['-sS', '-o', '-', '-w', '\n%{http_code} %{content_type}', ...args], { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err !== null) return reject(new Error(`curl failed: ${err.message} ${stderr}`));
      const nl = stdout.lastIndexOf('\n');
      const [status, ...ct] = stdout.slice(nl + 1).split(' ');
      resolve({ status: Number(status), contentType: ct.join(' '), body: stdout.slice(0, nl) });
    });
  });
}

let srv: RunningServer;
const auth = () => ['-H', `Authorization: Bearer ${srv.token}`];
const get = (params: Record<string, string>, extra: string[] = auth()) => curl([...extra, '-G', ...Object.entries(params).flatMap(([k, v]) => ['--data-urlencode', `${k}=${v}`]), `${srv.url}/api/v3/query_influxql`]);

beforeAll(async () => {
  srv = await startServer();
  // Times in seconds (3.x's auto precision): 2998574931 = 2065-01-07T17:28:51Z.
  const lp = [
    'cpu,host=a,region=us-east usage=0.9 2998574931',
    'cpu,host=b,region=us-east usage=0.5 2998574931',
    'cpu,host=a,region=us-east usage=1 2998574932',
    'cpu,host=b,region=us-east usage=0.6 2998574932',
    'mem,host=a free=7i 2998574933',
  ].join('\n');
  const w = await curl([...auth(), '-X', 'POST', '--data-binary', lp, `${srv.url}/api/v3/write_lp?db=foo`]);
  expect(w.status).toBe(204);
});

afterAll(cleanup);

describe('/api/v3/query_influxql', () => {
  it('json: an array of row objects, iox::measurement first, floats as 3.x writes them', async () => {
    const r = await get({ db: 'foo', q: 'SELECT host, region, usage FROM cpu', format: 'json' });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json');
    expect(r.body).toBe(
      '[{"iox::measurement":"cpu","time":"2065-01-07T17:28:51","host":"a","region":"us-east","usage":0.9},' +
        '{"iox::measurement":"cpu","time":"2065-01-07T17:28:51","host":"b","region":"us-east","usage":0.5},' +
        '{"iox::measurement":"cpu","time":"2065-01-07T17:28:52","host":"a","region":"us-east","usage":1.0},' +
        '{"iox::measurement":"cpu","time":"2065-01-07T17:28:52","host":"b","region":"us-east","usage":0.6}]',
    );
  });

  it('jsonl: one object a line; GROUP BY tags become columns; nulls are left out', async () => {
    const r = await get({ db: 'foo', q: 'SELECT mean(usage) FROM cpu WHERE time >= 2998574931s AND time < 2998574934s GROUP BY time(1s), host fill(null)', format: 'jsonl' });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/jsonl');
    expect(r.body).toBe(
      [
        '{"iox::measurement":"cpu","time":"2065-01-07T17:28:51","host":"a","mean":0.9}',
        '{"iox::measurement":"cpu","time":"2065-01-07T17:28:52","host":"a","mean":1.0}',
        '{"iox::measurement":"cpu","time":"2065-01-07T17:28:53","host":"a"}',
        '{"iox::measurement":"cpu","time":"2065-01-07T17:28:51","host":"b","mean":0.5}',
        '{"iox::measurement":"cpu","time":"2065-01-07T17:28:52","host":"b","mean":0.6}',
        '{"iox::measurement":"cpu","time":"2065-01-07T17:28:53","host":"b"}',
        '',
      ].join('\n'),
    );
  });

  it('csv: a header, then the rows (POST with a JSON body)', async () => {
    const body = JSON.stringify({ db: 'foo', q: 'SELECT free FROM mem', format: 'csv' });
    const r = await curl([...auth(), '-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', body, `${srv.url}/api/v3/query_influxql`]);
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('text/csv');
    expect(r.body).toBe('iox::measurement,time,free\nmem,2065-01-07T17:28:53,7\n');
  });

  it('pretty: an ASCII table; SHOW statements name their measurement in iox::measurement', async () => {
    const r = await get({ db: 'foo', q: 'SELECT time, host, region, usage FROM cpu WHERE host = \'a\'', format: 'pretty' });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('text/plain; charset=utf-8');
    expect(r.body).toBe(
      [
        '+------------------+---------------------+------+---------+-------+',
        '| iox::measurement | time                | host | region  | usage |',
        '+------------------+---------------------+------+---------+-------+',
        '| cpu              | 2065-01-07T17:28:51 | a    | us-east | 0.9   |',
        '| cpu              | 2065-01-07T17:28:52 | a    | us-east | 1.0   |',
        '+------------------+---------------------+------+---------+-------+',
      ].join('\n'),
    );
    const m = await get({ db: 'foo', q: 'SHOW MEASUREMENTS', format: 'pretty' });
    expect(m.body).toBe(['+------------------+------+', '| iox::measurement | name |', '+------------------+------+', '| measurements     | cpu  |', '| measurements     | mem  |', '+------------------+------+'].join('\n'));
    const k = await get({ db: 'foo', q: 'SHOW FIELD KEYS', format: 'json' });
    expect(k.body).toBe('[{"iox::measurement":"cpu","fieldKey":"usage","fieldType":"float"},{"iox::measurement":"mem","fieldKey":"free","fieldType":"integer"}]');
  });

  it('the format defaults to json, and the database may come from the query instead of db', async () => {
    const r = await get({ q: 'SELECT free FROM "foo"."autogen"."mem"' });
    expect(r.status).toBe(200);
    expect(r.body).toBe('[{"iox::measurement":"mem","time":"2065-01-07T17:28:53","free":7}]');
  });

  it("answers 3.x's errors: parse error, no database, several statements, unknown format, no token", async () => {
    const parse = await get({ db: 'foo', q: 'select from', format: 'pretty' });
    expect(parse.status).toBe(400);
    expect(parse.body).toMatch(/^error in InfluxQL statement: parsing error: /);
    const noDb = await get({ q: 'SELECT usage FROM cpu' });
    expect([noDb.status, noDb.body]).toEqual([400, "must specify a 'db' parameter, or provide the database in the InfluxQL query"]);
    const two = await get({ db: 'foo', q: 'SELECT usage FROM cpu; SELECT free FROM mem' });
    expect([two.status, two.body]).toEqual([400, 'must provide only one InfluxQl statement per query']);
    const fmt = await get({ db: 'foo', q: 'SELECT usage FROM cpu', format: 'xml' });
    expect(fmt.status).toBe(400);
    expect(fmt.body).toContain('unknown variant `xml`');
    const anon = await get({ db: 'foo', q: 'SELECT usage FROM cpu' }, []);
    expect([anon.status, anon.body]).toEqual([401, '']);
  });
});
