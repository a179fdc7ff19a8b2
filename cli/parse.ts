// `lpstudio parse`: one JSON object per output line, in the shape external conformance checks
// read: {"line":1,"point":{...}} or {"line":2,"column":7,"error":"<reason>","message":"<full>"}.
import { LineProtocolParser } from '../lineprotocol/parse.js';
import type { Field, Point, RecordError } from '../lineprotocol/types.js';
import { parseArgs, UsageError } from './args.js';
import { Output, readChunks } from './input.js';
import { dialectFlag, PARSER_FLAGS, precisionFlag, v3PrecisionFlag } from './options.js';
import { Influxdb3Parser } from '../lineprotocol/influxdb3-dialect.js';

export const PARSE_USAGE = `usage: lpstudio parse [--dialect influxdb2|influxdb1|reference|influxdb3] [--precision ns|n|us|u|µ|ms|s|m|h | auto]
                     [--now NS] [--crlf keep|strip] [FILE|-]
Prints every point and every rejected record as one JSON object per line.`;

function fieldJson(f: Field): string {
  const key = JSON.stringify(f.key);
  switch (f.type) {
    case 'float': return `{"key":${key},"value":{"float":${JSON.stringify(f.value)}}}`;
    case 'int': return `{"key":${key},"value":{"int":"${f.value}"}}`;
    case 'uint': return `{"key":${key},"value":{"uint":"${f.value}"}}`;
    case 'string': return `{"key":${key},"value":{"string":${JSON.stringify(f.value)}}}`;
    case 'bool': return `{"key":${key},"value":{"bool":${f.value}}}`;
  }
}

export function pointJson(p: Point): string {
  const tags = p.tags.map((t) => `{"key":${JSON.stringify(t.key)},"value":${JSON.stringify(t.value)}}`).join(',');
  return (
    `{"line":${p.line},"point":{"name":${JSON.stringify(p.measurement)},"series":${JSON.stringify(p.series)},` +
    `"tags":[${tags}],"fields":[${p.fields.map(fieldJson).join(',')}],"time":"${p.time}"}}`
  );
}

export function errorJson(e: RecordError): string {
  return JSON.stringify({ line: e.line, column: e.column, error: e.reason, message: e.message });
}

export async function parseCommand(argv: readonly string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, {
    ...PARSER_FLAGS,
    now: { value: true },
    crlf: { value: true, choices: ['keep', 'strip'] },
  });
  if (positional.length > 1) throw new UsageError('parse reads one FILE (or - for standard input)');
  const nowRaw = flags.get('now');
  if (nowRaw !== undefined && !/^-?\d+$/.test(nowRaw)) throw new UsageError(`--now must be an integer in ns (got "${nowRaw}")`);
  const crlf = flags.get('crlf') as 'keep' | 'strip' | undefined;
  const out = new Output();
  let errors = 0;
  const sink = {
    point: (p: Point) => out.write(pointJson(p) + '\n'),
    error: (e: RecordError) => {
      errors++;
      out.write(errorJson(e) + '\n');
    },
  };
  const dialect = dialectFlag(flags.get('dialect'));
  const now = nowRaw === undefined ? undefined : BigInt(nowRaw);
  const parser =
    dialect === 'influxdb3'
      ? new Influxdb3Parser({ precision: v3PrecisionFlag(flags.get('precision')), now, warnings: false }, sink)
      : new LineProtocolParser({ dialect, precision: precisionFlag(flags.get('precision')), now, crlf, warnings: false }, sink);
  const file = positional[0] ?? '-';
  try {
    for await (const c of readChunks(file)) parser.push(c.text, c.bytes);
  } catch (e) {
    out.flush();
    throw new UsageError(`cannot read ${file === '-' ? '<stdin>' : file}: ${(e as Error).message}`);
  }
  parser.end();
  await out.close();
  return errors > 0 ? 1 : 0;
}
