// `lpstudio serve` and `lpstudio setup`.
import { DEFAULT_MAX_BODY, startEndpoint } from '../server/endpoint.js';
import { REQUEST_LOG_SIZE } from '../app/host-deps.js';
import { mountBrowserMode } from './browser/mode.js';
import type { BrowserMode } from './browser/routes.js';
import { MetaStore, parseRetention, setup } from '../server/meta.js';
import { parseArgs, UsageError } from './args.js';
import { defaultDataDir } from './data-dir.js';
import { readFileSync } from 'node:fs';

// Defined when the command is bundled for the desktop package (vite.cli.config.ts): no package.json lies beside that bundle.
declare const LPSTUDIO_VERSION: string | undefined;

function packageVersion(): string {
  if (typeof LPSTUDIO_VERSION === 'string') return LPSTUDIO_VERSION;
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export const SERVE_USAGE = `usage: lpstudio serve [--host 127.0.0.1] [--port 8086] [--data DIR] [--max-body BYTES]
                     [--auto-create-buckets] [--token TOKEN] [--body-timeout SECONDS] [--no-ui]
                     [--stage-quota BYTES] [--compat influxdb2|influxdb3]
Runs the InfluxDB-compatible endpoint (/write, /api/v2/write, /ping, /health). On an empty data
directory it sets itself up (org "lpstudio", bucket "default") with the operator token from
--token or LPSTUDIO_TOKEN, or a new one printed once. It also serves the app in the browser at
/ (sign in with an operator token or the one-time link it prints), unless --no-ui. The UI answers
only at the address it listens on (Host 127.0.0.1, localhost or [::1], or the --host name).
Files dropped in the browser are staged in the data directory, at most --stage-quota bytes in
all (default 4 GiB). POST /api/v3/write_lp is InfluxDB 3's write API; with --compat influxdb3,
/write and /api/v2/write answer as InfluxDB 3's compatibility endpoints do (default: as 2.x).`;

export async function serveCommand(argv: readonly string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, {
    host: { value: true },
    port: { value: true },
    data: { value: true },
    'max-body': { value: true },
    'auto-create-buckets': { value: false },
    token: { value: true },
    'body-timeout': { value: true },
    'no-ui': { value: false },
    'stage-quota': { value: true },
    compat: { value: true },
  });
  if (positional.length > 0) throw new UsageError(`unexpected argument "${positional[0]}"`);
  const port = Number(flags.get('port') ?? 8086);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0-65535');
  const maxBody = Number(flags.get('max-body') ?? DEFAULT_MAX_BODY);
  if (!Number.isInteger(maxBody) || maxBody < 1) throw new UsageError('--max-body must be a positive number of bytes');
  const bodyTimeout = Number(flags.get('body-timeout') ?? 30);
  if (!(bodyTimeout > 0)) throw new UsageError('--body-timeout must be a positive number of seconds');
  const stageQuota = flags.has('stage-quota') ? Number(flags.get('stage-quota')) : undefined;
  if (stageQuota !== undefined && !(Number.isInteger(stageQuota) && stageQuota > 0)) throw new UsageError('--stage-quota must be a positive number of bytes');
  const compat = flags.get('compat') ?? 'influxdb2';
  if (compat !== 'influxdb2' && compat !== 'influxdb3') throw new UsageError('--compat must be influxdb2 or influxdb3');
  const dataDir = flags.get('data') ?? defaultDataDir();
  let browser: BrowserMode | undefined;
  const endpoint = await startEndpoint({
    dataDir,
    host: flags.get('host') ?? '127.0.0.1',
    port,
    maxBody,
    autoCreateBuckets: flags.has('auto-create-buckets'),
    compat,
    token: flags.get('token') ?? process.env.LPSTUDIO_TOKEN,
    bodyIdleMs: bodyTimeout * 1000,
    requestLogSize: REQUEST_LOG_SIZE,
    // The UI and the app API, next to the InfluxDB API.
    extend: flags.has('no-ui')
      ? undefined
      : (core) => {
          const m = mountBrowserMode(core, { version: packageVersion(), stageQuotaBytes: stageQuota });
          browser = m.mode;
          return m.extension;
        },
  });
  // Listening for the stop signals before the address is printed: a parent that waits for that
  // line may stop it at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const out = process.stdout;
  if (endpoint.onboarding !== undefined) {
    const o = endpoint.onboarding;
    out.write(`Set up a new data directory: org "lpstudio", bucket "default" (${o.bucketId}).\n`);
    if (o.tokenGenerated) out.write(`Operator token (shown once, keep it safe): ${o.token}\n`);
    else out.write('Operator token: the one given with --token / LPSTUDIO_TOKEN.\n');
  }
  out.write(`lpstudio endpoint listening on ${endpoint.url} (data: ${dataDir})\n`);
  if (browser !== undefined) {
    out.write(`browser mode: ${endpoint.url}/#code=${browser.sessions.newCode()} (one-time sign-in link, 10 minutes; or sign in with an operator token)\n`);
  }
  await stopped;
  out.write('stopping…\n');
  await endpoint.close();
  return 0;
}

export const SETUP_USAGE = `usage: lpstudio setup --username USER --password PASSWORD --token TOKEN --org ORG --bucket BUCKET
                     [--retention DURATION] [--force] [--data DIR]
Sets up a data directory non-interactively, like "influx setup".`;

export async function setupCommand(argv: readonly string[]): Promise<number> {
  const { flags } = parseArgs(argv, {
    username: { value: true },
    password: { value: true },
    token: { value: true },
    org: { value: true },
    bucket: { value: true },
    retention: { value: true },
    force: { value: false },
    data: { value: true },
  });
  for (const required of ['username', 'org', 'bucket']) {
    if (!flags.has(required)) throw new UsageError(`--${required} is required`);
  }
  const meta = MetaStore.open(flags.get('data') ?? defaultDataDir());
  const r = setup(meta, {
    username: flags.get('username')!,
    password: flags.get('password'),
    org: flags.get('org')!,
    bucket: flags.get('bucket')!,
    retentionSeconds: flags.has('retention') ? parseRetention(flags.get('retention')!) : 0,
    token: flags.get('token'),
    force: flags.has('force'),
  });
  process.stdout.write(`User\tOrganization\tBucket\n${flags.get('username')}\t${flags.get('org')}\t${flags.get('bucket')}\n`);
  if (r.tokenGenerated) process.stdout.write(`Operator token (shown once): ${r.token}\n`);
  return 0;
}
