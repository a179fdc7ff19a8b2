// lpstudio: the command line of Line Protocol Studio.
import { UsageError } from './args.js';
import { lintCommand, LINT_USAGE } from './lint.js';
import { exportCommand, EXPORT_USAGE } from './export.js';
import { bucketCommand, BUCKET_USAGE, v1Command, V1_USAGE } from './manage.js';
import { parseCommand, PARSE_USAGE } from './parse.js';
import { serveCommand, SERVE_USAGE, setupCommand, SETUP_USAGE } from './serve.js';
import { writeCommand, WRITE_USAGE } from './write.js';
import { MetaError } from '../server/meta.js';

const COMMANDS: Record<string, { run: (argv: readonly string[]) => Promise<number>; usage: string }> = {
  lint: { run: lintCommand, usage: LINT_USAGE },
  parse: { run: parseCommand, usage: PARSE_USAGE },
  serve: { run: serveCommand, usage: SERVE_USAGE },
  setup: { run: setupCommand, usage: SETUP_USAGE },
  bucket: { run: bucketCommand, usage: BUCKET_USAGE },
  v1: { run: v1Command, usage: V1_USAGE },
  export: { run: exportCommand, usage: EXPORT_USAGE },
  write: { run: writeCommand, usage: WRITE_USAGE },
};

const USAGE = `usage: lpstudio <command> [options]
commands:
  lint    validate line-protocol files and print diagnostics
  parse   print parsed points and errors as JSON lines
  serve   run the InfluxDB-compatible endpoint
  setup   set up a data directory (like influx setup)
  bucket  create, list, delete buckets
  v1      v1 authorizations and DBRP mappings
  export  print a bucket's points as line protocol
  write   upload line-protocol files to InfluxDB or this endpoint, in batches
Run "lpstudio <command> --help" for a command's options.`;

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name === undefined ? 2 : 0;
  }
  const cmd = COMMANDS[name];
  if (cmd === undefined) {
    process.stderr.write(`lpstudio: unknown command "${name}"\n${USAGE}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(cmd.usage + '\n');
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`lpstudio ${name}: ${e.message}\n${cmd.usage}\n`);
      return 2;
    }
    if (e instanceof MetaError || (e as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
      process.stderr.write(`lpstudio ${name}: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
}
