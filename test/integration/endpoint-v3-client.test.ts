// The official InfluxDB 3 client (@influxdata/influxdb3-client) writes to `lpstudio serve
// --compat influxdb3` through both of its paths: the default /api/v2/write (no org, the
// database as the bucket) and, with noSync, /api/v3/write_lp?no_sync=true. What was stored is
// read back from the data directory once the server has stopped, and must be exactly the points.
import { HttpError, InfluxDBClient, Point, setLogger } from '@influxdata/influxdb3-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bool, cleanup, float, int, pt, readAll, sorted, startServer, str, uint, type Pt, type RunningServer } from '../support/serve.js';

let srv: RunningServer;
let client: InfluxDBClient;
const clientErrors: string[] = [];
setLogger({ error: (m: string) => clientErrors.push(m), warn: (m: string) => clientErrors.push(m) });

beforeAll(async () => {
  srv = await startServer({ args: ['--compat', 'influxdb3'] });
  client = new InfluxDBClient({ host: srv.url, token: srv.token, authScheme: 'Bearer', database: 'clientdb' });
});

afterAll(async () => {
  await client?.close();
  await cleanup();
});

describe('@influxdata/influxdb3-client → lpstudio serve --compat influxdb3', () => {
  const expected: Pt[] = [];
  let stored: Record<string, Pt[]>;
  let partialError: unknown;

  it('writes Points through its default path, /api/v2/write (precision ns)', async () => {
    await client.write([
      Point.measurement('typed').setTag('host', 'box 1').setFloatField('f', 1.5).setIntegerField('i', -42).setUintegerField('u', 7).setStringField('s', 'x "y" \\ z').setBooleanField('b', true).setTimestamp(new Date(1700000000123)),
      Point.measurement('typed').setTag('host', 'box,2').setFloatField('f', 0.25).setTimestamp('1700000000123456789'),
    ]);
    expected.push(
      pt('typed', { host: 'box 1' }, { f: float(1.5), i: int(-42), u: uint(7), s: str('x "y" \\ z'), b: bool(true) }, '1700000000123000000'),
      pt('typed', { host: 'box,2' }, { f: float(0.25) }, '1700000000123456789'),
    );
  });

  it('writes line protocol with noSync through /api/v3/write_lp (precision given as "millisecond")', async () => {
    await client.write('nosync,host=c v=3i 1700000000999', undefined, undefined, { noSync: true, precision: 'ms' });
    expected.push(pt('nosync', { host: 'c' }, { v: int(3) }, '1700000000999000000'));
  });

  it('a partial write through /api/v3/write_lp rejects with the line the server names, and stores the rest', async () => {
    try {
      await client.write('partial v=1 1700000001000000000\npartial v="text" 1700000002000000000\npartial v=3 1700000003000000000', undefined, undefined, { noSync: true });
    } catch (e) {
      partialError = e;
    }
    expect(partialError).toBeInstanceOf(HttpError);
    const e = partialError as HttpError;
    expect(e.statusCode).toBe(400);
    expect(e.json).toEqual({
      error: 'partial write of line protocol occurred',
      data: [{ error_message: "invalid column type for column 'v', expected iox::column_type::field::float, got iox::column_type::field::string", line_number: 2, original_line: 'partial v=text 17000' }],
    });
    expected.push(pt('partial', {}, { v: float(1) }, '1700000001000000000'), pt('partial', {}, { v: float(3) }, '1700000003000000000'));
  });

  it('the points read back exactly', async () => {
    await srv.stop();
    stored = await readAll(srv.dataDir);
    expect(sorted(stored.clientdb)).toEqual(sorted(expected));
  });
});
