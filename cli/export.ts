// `lpstudio export`: a bucket's points as line protocol, like `influxd inspect export-lp`.
import { MetaError, MetaStore } from '../server/meta.js';
import { openBucketStore } from '../server/store/index.js';
import { LineFormatter } from '../server/store/lines.js';
import { parseArgs, UsageError } from './args.js';
import { defaultDataDir } from './data-dir.js';
import { Output } from './input.js';

export const EXPORT_USAGE = `usage: lpstudio export --bucket BUCKET [--measurement M] [--start TIME] [--stop TIME] [--org ORG] [--data DIR]
Prints the bucket's points as line protocol (ns timestamps), measurement by measurement in time
order. TIME is RFC 3339 (2024-01-01T00:00:00Z) or integer ns. Stop the server first: export
reads the data directory directly.`;

function timeArg(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (/^-?\d+$/.test(raw)) return raw;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new UsageError(`--${name} must be RFC 3339 (e.g. 2024-01-01T00:00:00Z) or integer nanoseconds`);
  return (BigInt(ms) * 1_000_000n).toString();
}

export async function exportCommand(argv: readonly string[]): Promise<number> {
  const { flags } = parseArgs(argv, {
    bucket: { value: true },
    measurement: { value: true },
    start: { value: true },
    stop: { value: true },
    org: { value: true },
    data: { value: true },
  });
  const ref = flags.get('bucket');
  if (ref === undefined) throw new UsageError('--bucket is required');
  const dataDir = flags.get('data') ?? defaultDataDir();
  const meta = MetaStore.open(dataDir);
  const state = meta.get();
  const org = flags.has('org') ? state.orgs.find((o) => o.name === flags.get('org') || o.id === flags.get('org')) : state.orgs[0];
  if (org === undefined) throw new MetaError(flags.has('org') ? `organization "${flags.get('org')}" not found` : 'this data directory is not set up');
  const bucket = state.buckets.find((b) => b.orgId === org.id && (b.id === ref || b.name === ref));
  if (bucket === undefined) throw new MetaError(`bucket "${ref}" not found`);
  const start = timeArg('start', flags.get('start'));
  const stop = timeArg('stop', flags.get('stop'));
  const store = await openBucketStore(dataDir, [...state.buckets], { log: (m) => process.stderr.write(m + '\n') });
  const out = new Output();
  try {
    const only = flags.get('measurement');
    const lines = new LineFormatter();
    for (const measurement of only === undefined ? store.measurements(bucket.id) : [only]) {
      // Streamed: the store decodes only what the next batch needs, and waits while stdout does.
      for await (const batch of store.readStream({ bucketId: bucket.id, measurement, start, stop }, { batchSize: 4096 })) {
        out.write(lines.lines(batch));
        await out.drained();
      }
    }
  } finally {
    await store.close();
  }
  await out.close();
  return 0;
}
