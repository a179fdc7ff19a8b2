// lpstudio: the command line of Line Protocol Studio.
import { UsageError } from './args.js';

interface Command {
  run: (argv: readonly string[]) => Promise<number>;
  usage: string;
}

// Each command's module loads when it is run: `lpstudio lint` need not load the endpoint, the store
// and zod (about 20 MB of memory at its peak).
const COMMANDS: Record<string, () => Promise<Command>> = {
  lint: async () => import('./lint.js').then((m) => ({ run: m.lintCommand, usage: m.LINT_USAGE })),
  parse: async () => import('./parse.js').then((m) => ({ run: m.parseCommand, usage: m.PARSE_USAGE })),
  serve: async () => import('./serve.js').then((m) => ({ run: m.serveCommand, usage: m.SERVE_USAGE })),
  setup: async () => import('./serve.js').then((m) => ({ run: m.setupCommand, usage: m.SETUP_USAGE })),
  bucket: async () => import('./manage.js').then((m) => ({ run: m.bucketCommand, usage: m.BUCKET_USAGE })),
  v1: async () => import('./manage.js').then((m) => ({ run: m.v1Command, usage: m.V1_USAGE })),
  export: async () => import('./export.js').then((m) => ({ run: m.exportCommand, usage: m.EXPORT_USAGE })),
  write: async () => import('./write.js').then((m) => ({ run: m.writeCommand, usage: m.WRITE_USAGE })),
};

/** An error that is the user's to fix (bad data directory, port taken): one line, no stack. */
async function isExpected(e: unknown): Promise<boolean> {
  if ((e as NodeJS.ErrnoException)?.code === 'EADDRINUSE') return true;
  const { MetaError } = await import('../server/meta.js');
  return e instanceof MetaError;
}

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
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) {
    process.stderr.write(`lpstudio: unknown command "${name}"\n${USAGE}\n`);
    return 2;
  }
  const cmd = await load();
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
    if (await isExpected(e)) {
      process.stderr.write(`lpstudio ${name}: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
}
