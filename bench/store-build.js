#!/usr/bin/env node
// `node bench/store-build.js DATA_DIR BUCKET < file.lp`: stores line protocol from stdin into a
// set-up data directory through the store itself (parse, write in 5000-line batches, as the
// endpoint does), then compacts and merges it and closes. Used by the `store` bench section to
// build its cached stores; prints `points=N` at the end.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './lib.js';

const [dataDir, bucketName] = process.argv.slice(2);
if (!dataDir || !bucketName) {
  console.error('usage: node bench/store-build.js DATA_DIR BUCKET < file.lp');
  process.exit(2);
}
const dist = (p) => import(pathToFileURL(path.join(root, 'dist', p)).href);
const { MetaStore } = await dist('server/meta.js');
const { openBucketStore } = await dist('server/store/index.js');
const { parse } = await dist('lineprotocol/parse.js');

const meta = MetaStore.open(dataDir).get();
const bucket = meta.buckets.find((b) => b.name === bucketName);
if (!bucket) throw new Error(`no bucket ${bucketName} in ${dataDir}`);
const store = await openBucketStore(dataDir, [...meta.buckets], { log: (m) => process.stderr.write(`  · ${m}\n`) });
const LINES = 5000;
let points = 0;
let rest = '';
let lines = [];
const now = BigInt(Date.now()) * 1_000_000n;

async function flush() {
  if (lines.length === 0) return;
  const text = lines.join('\n') + '\n';
  lines = [];
  const r = parse(text, { dialect: 'influxdb2', precision: 'ns', now, truncateTo: 'ns', crlf: 'strip', warnings: false });
  if (r.errors.length > 0) throw new Error(`line protocol error: ${JSON.stringify(r.errors[0])}`);
  await store.write({ bucketId: bucket.id, body: Buffer.from(text, 'utf8'), precision: 'ns', defaultTime: now.toString() }, r.points);
  points += r.points.length;
}

process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) {
  const all = rest + chunk;
  const parts = all.split('\n');
  rest = parts.pop();
  for (const l of parts) {
    if (l.length === 0) continue;
    lines.push(l);
    if (lines.length >= LINES) await flush();
  }
}
if (rest.length > 0) lines.push(rest);
await flush();
await store.compact();
await store.close();
console.log(`points=${points}`);
