// lpstudio: the command line of Line Protocol Studio.
import { UsageError } from './args.js';
import { lintCommand, LINT_USAGE } from './lint.js';
import { parseCommand, PARSE_USAGE } from './parse.js';

const COMMANDS: Record<string, { run: (argv: readonly string[]) => Promise<number>; usage: string }> = {
  lint: { run: lintCommand, usage: LINT_USAGE },
  parse: { run: parseCommand, usage: PARSE_USAGE },
};

const USAGE = `usage: lpstudio <command> [options]
commands:
  lint    validate line-protocol files and print diagnostics
  parse   print parsed points and errors as JSON lines
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
    throw e;
  }
}
