// A small, strict argument parser: every command lists its flags; anything else is an error
// that names the flag and the command's usage.

export interface FlagSpec {
  /** Flag takes a value (`--x V` or `--x=V`) or is a boolean switch. */
  value: boolean;
  /** Allowed values, checked with a clear message. */
  choices?: readonly string[];
}

export interface ParsedArgs {
  flags: Map<string, string>;
  positional: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const s = spec[name];
    if (s === undefined) throw new UsageError(`unknown option --${name}`);
    let value = 'true';
    if (s.value) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new UsageError(`--${name} needs a value`);
      if (s.choices !== undefined && !s.choices.includes(value)) {
        throw new UsageError(`--${name} must be one of ${s.choices.join(', ')} (got "${value}")`);
      }
    } else if (eq >= 0) throw new UsageError(`--${name} takes no value`);
    flags.set(name, value);
  }
  return { flags, positional };
}
