// Management like the influx CLI: buckets, v1 authorizations, DBRP mappings.
// Works on the data directory directly: each change is made under meta.json.lock, which a running
// endpoint takes too (server/meta.ts), and the endpoint picks the change up on its next request.
import { createBucket, createDbrp, createV1Auth, deleteBucket, formatRetention, MetaError, MetaStore, parseRetention } from '../server/meta.js';
import type { BucketInfo } from '../server/store/api.js';
import { parseArgs, UsageError } from './args.js';
import { defaultDataDir } from './data-dir.js';

export const BUCKET_USAGE = `usage: lpstudio bucket create --name NAME [--org ORG] [--retention DURATION] [--data DIR]
       lpstudio bucket list [--name NAME] [--org ORG] [--data DIR]
       lpstudio bucket delete (--name NAME | --id ID) [--org ORG] [--data DIR]`;

export const V1_USAGE = `usage: lpstudio v1 auth create --username USER --password PASSWORD --write-bucket BUCKET [--read-bucket BUCKET] [--org ORG] [--data DIR]
       lpstudio v1 auth list [--data DIR]
       lpstudio v1 dbrp create --db DB --rp RP --bucket BUCKET [--default] [--org ORG] [--data DIR]
       lpstudio v1 dbrp list [--db DB] [--data DIR]
BUCKET is a bucket name or ID.`;

function openMeta(flags: Map<string, string>): MetaStore {
  const meta = MetaStore.open(flags.get('data') ?? defaultDataDir());
  if (!meta.onboarded) throw new MetaError('this data directory is not set up yet: run "lpstudio setup" or start "lpstudio serve" once');
  return meta;
}

function orgOf(meta: MetaStore, name: string | undefined): string {
  const orgs = meta.get().orgs;
  if (name === undefined) return orgs[0].id;
  const org = orgs.find((o) => o.name === name || o.id === name);
  if (org === undefined) throw new MetaError(`organization "${name}" not found`);
  return org.id;
}

function bucketOf(meta: MetaStore, orgId: string, ref: string): BucketInfo {
  const b = meta.get().buckets.find((x) => x.orgId === orgId && (x.id === ref || x.name === ref));
  if (b === undefined) throw new MetaError(`bucket "${ref}" not found`);
  return b;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

const common = { data: { value: true }, org: { value: true } } as const;

export async function bucketCommand(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { flags } = parseArgs(rest, { ...common, name: { value: true }, id: { value: true }, retention: { value: true } });
  const meta = openMeta(flags);
  const orgId = orgOf(meta, flags.get('org'));
  const out = process.stdout;
  if (sub === 'create') {
    const name = flags.get('name');
    if (name === undefined) throw new UsageError('--name is required');
    const b = createBucket(meta, orgId, name, parseRetention(flags.get('retention') ?? '0'));
    out.write(table([['ID', 'Name', 'Retention', 'Organization ID'], [b.id, b.name, formatRetention(b.retentionSeconds), b.orgId]]));
    return 0;
  }
  if (sub === 'list') {
    const name = flags.get('name');
    const rows = meta.get().buckets.filter((b) => b.orgId === orgId && (name === undefined || b.name === name));
    out.write(table([['ID', 'Name', 'Retention', 'Organization ID'], ...rows.map((b) => [b.id, b.name, formatRetention(b.retentionSeconds), b.orgId])]));
    return 0;
  }
  if (sub === 'delete') {
    const ref = flags.get('id') ?? flags.get('name');
    if (ref === undefined) throw new UsageError('--name or --id is required');
    const b = bucketOf(meta, orgId, ref);
    deleteBucket(meta, b.id);
    out.write(table([['ID', 'Name', 'Retention', 'Organization ID', 'Deleted'], [b.id, b.name, formatRetention(b.retentionSeconds), b.orgId, 'true']]));
    return 0;
  }
  throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`);
}

export async function v1Command(argv: readonly string[]): Promise<number> {
  const [what, sub, ...rest] = argv;
  const { flags } = parseArgs(rest, {
    ...common,
    username: { value: true },
    password: { value: true },
    'write-bucket': { value: true },
    'read-bucket': { value: true },
    db: { value: true },
    rp: { value: true },
    bucket: { value: true },
    'bucket-id': { value: true },
    default: { value: false },
  });
  const meta = openMeta(flags);
  const orgId = orgOf(meta, flags.get('org'));
  const out = process.stdout;
  if (what === 'auth' && sub === 'create') {
    const username = flags.get('username');
    const password = flags.get('password');
    if (username === undefined || password === undefined) throw new UsageError('--username and --password are required');
    const write = flags.has('write-bucket') ? [bucketOf(meta, orgId, flags.get('write-bucket')!).id] : [];
    const read = flags.has('read-bucket') ? [bucketOf(meta, orgId, flags.get('read-bucket')!).id] : [];
    if (write.length + read.length === 0) throw new UsageError('give --write-bucket and/or --read-bucket');
    const { id } = createV1Auth(meta, { orgId, username, password, read, write });
    out.write(table([['ID', 'Username', 'Permissions'], [id, username, [...write.map((b) => `write:${b}`), ...read.map((b) => `read:${b}`)].join(',')]]));
    return 0;
  }
  if (what === 'auth' && sub === 'list') {
    out.write(table([['ID', 'Username', 'Permissions'], ...meta.get().v1auths.map((a) => [a.id, a.username, [...a.write.map((b) => `write:${b}`), ...a.read.map((b) => `read:${b}`)].join(',')])]));
    return 0;
  }
  if (what === 'dbrp' && sub === 'create') {
    const db = flags.get('db');
    const rp = flags.get('rp');
    const ref = flags.get('bucket') ?? flags.get('bucket-id');
    if (db === undefined || rp === undefined || ref === undefined) throw new UsageError('--db, --rp and --bucket are required');
    const bucket = bucketOf(meta, orgId, ref);
    const m = createDbrp(meta, { orgId, db, rp, bucketId: bucket.id, default: flags.has('default') });
    out.write(table([['ID', 'Database', 'Bucket ID', 'Retention Policy', 'Default', 'Organization ID'], [m.id, m.db, m.bucketId, m.rp, String(m.default), m.orgId]]));
    return 0;
  }
  if (what === 'dbrp' && sub === 'list') {
    const db = flags.get('db');
    const rows = meta.get().dbrps.filter((m) => m.orgId === orgId && (db === undefined || m.db === db));
    out.write(table([['ID', 'Database', 'Bucket ID', 'Retention Policy', 'Default', 'Organization ID'], ...rows.map((m) => [m.id, m.db, m.bucketId, m.rp, String(m.default), m.orgId])]));
    return 0;
  }
  throw new UsageError(`unknown command "v1 ${[what, sub].filter(Boolean).join(' ')}"`);
}
