// `lpstudio lint`: validate line-protocol files (any size, streamed; .gz through gunzip) and
// print `file:line:col: severity: message`, the hint below it, then a summary.
import { LineProtocolParser, type ParseStats } from '../lineprotocol/parse.js';
import { TARGET_KINDS, targetParseOptions, type TargetKind } from '../lineprotocol/target.js';
import type { Diagnostic, ParseOptions } from '../lineprotocol/types.js';
import { parseArgs, UsageError } from './args.js';
import { capYoungGeneration, Output, readChunks } from './input.js';
import { dialectFlag, PARSER_FLAGS, precisionFlag, v3PrecisionFlag } from './options.js';
import { Influxdb3Parser } from '../lineprotocol/influxdb3-dialect.js';

export const LINT_USAGE = `usage: lpstudio lint [--dialect influxdb2|influxdb1|reference|influxdb3 | --target endpoint|influxdb1|influxdb2|cloud]
                    [--precision ns|n|us|u|µ|ms|s|m|h | auto (influxdb3, its default)] [--format text|json] [--no-warnings] [FILE...|-]
Validates line protocol. Exit status 1 if any error was found, 0 otherwise.
--target checks by the rules of where it goes (endpoint: this app's endpoint, which accepts CRLF).`;

export async function lintCommand(argv: readonly string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, {
    ...PARSER_FLAGS,
    format: { value: true, choices: ['text', 'json'] },
    'no-warnings': { value: false },
    target: { value: true, choices: TARGET_KINDS },
  });
  const target = flags.get('target') as TargetKind | undefined;
  if (target !== undefined && flags.has('dialect')) throw new UsageError('give --target or --dialect, not both (a target brings its dialect)');
  const dialect = dialectFlag(flags.get('dialect'));
  const v3 = target === 'influxdb3' || (target === undefined && dialect === 'influxdb3');
  const precision = v3 ? 'ns' : precisionFlag(flags.get('precision'));
  const v3Precision = v3 ? v3PrecisionFlag(flags.get('precision')) : 'auto';
  const rules: ParseOptions = target !== undefined ? targetParseOptions(target, precision) : { dialect: dialect === 'influxdb3' ? undefined : dialect, precision };
  const json = flags.get('format') === 'json';
  const warnings = !flags.has('no-warnings');
  const files = positional.length > 0 ? positional : ['-'];
  const out = new Output();
  const total: ParseStats = { lines: 0, records: 0, points: 0, errors: 0, warnings: 0 };
  let chunks = 0;

  for (const file of files) {
    const name = file === '-' ? '<stdin>' : file;
    const emit = (d: Diagnostic) => {
      if (json) out.write(JSON.stringify({ file: name, ...d }) + '\n');
      else {
        out.write(`${name}:${d.line}:${d.column}: ${d.severity}: ${d.message}\n`);
        if (d.hint !== undefined) out.write(`  hint: ${d.hint}\n`);
      }
    };
    // No points are built: warnings are found from each record's shape.
    const sink = { error: (_e: unknown, d: Diagnostic) => emit(d), warning: emit };
    // influxdb3 reads a file whole (3.x numbers records from the body's start).
    const parser = v3 ? new Influxdb3Parser({ precision: v3Precision, warnings }, sink) : new LineProtocolParser({ ...rules, warnings }, sink, false);
    try {
      for await (const c of readChunks(file)) {
        parser.push(c.text, c.bytes);
        // Millions of findings into a slow reader must wait for it, not pile up in memory.
        await out.drained();
        if (++chunks % 16 === 0) capYoungGeneration();
      }
    } catch (e) {
      out.flush();
      throw new UsageError(`cannot read ${name}: ${(e as Error).message}`);
    }
    const s = parser.end();
    total.lines += s.lines;
    total.records += s.records;
    total.points += s.points;
    total.errors += s.errors;
    total.warnings += s.warnings;
  }

  if (json) out.write(JSON.stringify({ summary: { files: files.length, ...total } }) + '\n');
  else {
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    out.write(
      `${plural(files.length, 'file')}: ${plural(total.lines, 'line')}, ${plural(total.points, 'point')}, ` +
        `${plural(total.errors, 'error')}, ${plural(total.warnings, 'warning')}\n`,
    );
  }
  await out.close();
  return total.errors > 0 ? 1 : 0;
}
