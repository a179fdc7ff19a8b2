#!/usr/bin/env node
// Generates test/conformance/influxdb3-vectors.json: thousands of line-protocol bodies with the
// verdict of InfluxDB 3's own parser (the Rust crate `influxdb_line_protocol`), its values and
// error texts. Run once by hand; the tests only read the checked-in file.
//
// The crate builds offline, without the crates registry:
//   apt-get install librust-bytes-dev librust-log-dev librust-smallvec-dev librust-snafu-dev librust-serde-json-dev
//   node scripts/gen-influxdb3-vectors.js --crate <influxdata/influxdb checkout>/core/influxdb_line_protocol --nom <rust-bakery/nom checkout at tag 8.0.0>
// It copies the crate and nom 8.0.0's src/ into scripts/influxdb3-vectors/vendor/, gives them
// Cargo.toml files that use Debian's crates (snafu 0.7 in place of 0.9: same derive syntax),
// points cargo at /usr/share/cargo/registry as a directory source, builds, and feeds the inputs.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const gen = path.join(root, 'scripts/influxdb3-vectors');
const out = path.join(root, 'test/conformance/influxdb3-vectors.json');
const CARGO = process.env.CARGO ?? '/root/.cargo/bin/cargo';

function arg(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) throw new Error(`give ${name} DIR (see the comment at the top of this script)`);
  return path.resolve(process.argv[i + 1]);
}

function setUp() {
  const vendor = path.join(gen, 'vendor');
  rmSync(vendor, { recursive: true, force: true });
  mkdirSync(path.join(vendor, 'nom'), { recursive: true });
  cpSync(path.join(arg('--nom'), 'src'), path.join(vendor, 'nom/src'), { recursive: true });
  writeFileSync(
    path.join(vendor, 'nom/Cargo.toml'),
    '[package]\nname = "nom"\nversion = "8.0.0"\nedition = "2021"\n\n[features]\nalloc = []\nstd = ["alloc", "memchr/std"]\ndefault = ["std"]\ndocsrs = []\n\n[dependencies.memchr]\nversion = "2"\ndefault-features = false\n',
  );
  cpSync(path.join(arg('--crate'), 'src'), path.join(vendor, 'influxdb-line-protocol/src'), { recursive: true });
  writeFileSync(
    path.join(vendor, 'influxdb-line-protocol/Cargo.toml'),
    '[package]\nname = "influxdb-line-protocol"\nversion = "1.0.0"\nedition = "2024"\n\n[dependencies]\nbytes = "1"\nlog = "0.4"\nnom = { path = "../nom", default-features = false, features = ["std"] }\nsmallvec = "1"\nsnafu = "0.7"\n',
  );
  mkdirSync(path.join(gen, '.cargo'), { recursive: true });
  writeFileSync(
    path.join(gen, '.cargo/config.toml'),
    '[source.crates-io]\nreplace-with = "debian"\n\n[source.debian]\ndirectory = "/usr/share/cargo/registry"\n\n[net]\noffline = true\n',
  );
}

// ---- inputs: hand-picked edge cases, then seeded random bodies from a grammar of pieces ----

const EDGES = [
  '', '\n\n\n', '# comment', '  # indented comment\ncpu v=1', 'cpu', 'cpu ', 'cpu v', 'cpu v=', 'cpu =1', 'cpu,', 'cpu, v=1', 'cpu,t v=1',
  'cpu,t= v=1', 'cpu,=a v=1', 'cpu,t=a, v=1', 'cpu,t=a,u v=1', ',t=a v=1', ' cpu v=1', '\tcpu v=1', 'cpu\tv=1', 'cpu v=1\t1',
  'cpu  v=1  1  ', 'cpu v=1 ', 'cpu v=1 1 ', 'cpu v=1\r', 'cpu v=1 1\r\ncpu v=2 2\r\n', 'cpu v=1,', 'cpu v=1,,w=2', 'cpu v=1, w=2',
  'cpu v=1i', 'cpu v=-1i', 'cpu v=+1i', 'cpu v=1u', 'cpu v=-1u', 'cpu v=1.5', 'cpu v=.5', 'cpu v=1.', 'cpu v=1e5', 'cpu v=1E-5',
  'cpu v=1.5e+3', 'cpu v=-1e5', 'cpu v=1e', 'cpu v=1.5.5', 'cpu v=1.0i', 'cpu v=NaN', 'cpu v=inf', 'cpu v=1e400', 'cpu v=-0',
  'cpu v=9223372036854775807i', 'cpu v=9223372036854775808i', 'cpu v=-9223372036854775808i', 'cpu v=-9223372036854775809i',
  'cpu v=18446744073709551615u', 'cpu v=18446744073709551616u', 'cpu v=t', 'cpu v=T', 'cpu v=true', 'cpu v=True', 'cpu v=TRUE',
  'cpu v=tRUE', 'cpu v=tru', 'cpu v=truex', 'cpu v=f', 'cpu v=false', 'cpu v=FALSE', 'cpu v=fal', 'cpu v=""', 'cpu v="a"',
  'cpu v="a\\"b"', 'cpu v="a\\\\b"', 'cpu v="a\\nb"', 'cpu v="a\\', 'cpu v="unterminated', 'cpu v="multi\nline" 1', 'cpu v="x" 1',
  'cpu v=1 9223372036854775807', 'cpu v=1 9223372036854775808', 'cpu v=1 -9223372036854775808', 'cpu v=1 -1', 'cpu v=1 1.5',
  'cpu v=1 abc', 'cpu v=1 1 2', 'c\\ pu v=1', 'c\\,pu v=1', 'c\\=pu v=1', 'c\\\\pu v=1', 'cpu\\ v=1', 'cpu\\', 'a\\\\ v=1',
  'c\\\npu v=1', 'cpu,t\\ a=b\\ c v=1', 'cpu,t\\=a=b v=1', 'cpu,t=a\\,b v=1', 'cpu,t=a=b v=1', 'cpu,t,x=a v=1', 'cpu k\\ ey=1',
  'cpu k,ey=1', 'cpu k\\=ey=1', 'cpu "k"=1', 'cpu v=1,v=2', 'cpu,t=a,t=b v=1', 'cpu,t=a t=1', 'cpu\u0000 v=1', 'cpu,t=\u0000 v=1',
  'cpu,t=é v=1', 'mesure,étiquette=valeur champ=1 1', '😀 v=1', 'cpu v="😀"', 'cpu,t=a😀 v=1', '#cpu v=1', 'cpu #v=1',
  'cpu v=1 1\n# c\n\ncpu v=2 2', 'cpu v=1 1\n   \ncpu v=2 2\n', 'cpu,a=1,b=2 x=1,y=2i,z="s",w=t 1700000000000000000',
  'a'.repeat(65537) + ' v=1', 'cpu v="' + 'x'.repeat(65537) + '"', 'cpu v="' + 'x'.repeat(65536) + '"',
];

let seed = 0x5eed1234;
function rand(n) {
  // xorshift32: deterministic across runs and machines
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed % n;
}
const pick = (a) => a[rand(a.length)];

const NAME_PIECES = ['cpu', 'm', 'a b', 'x', 'é', '😀', '\\ ', '\\,', '\\=', '\\\\', '\\', ',', '=', ' ', '"', 't', '1', '#', '\t', '\u0000', 'k\\x'];
const VALUE_PIECES = ['1', '-1', '1i', '-5i', '3u', '1.5', '-2.25e3', '1e5', '1E-2', '.5', '1.', 't', 'F', 'true', 'False', 'tr', '"s"', '""', '"a\\"b"', '"a\\\\"', '"x\\y"', '"new\nline"', '"open', '1.0i', 'x', '', '9223372036854775808i', '18446744073709551616u'];
const TS_PIECES = ['', ' 1', ' -1', ' 1700000000', ' 1700000000123', ' 1700000000123456', ' 1700000000123456789', ' 99999999999999999999', ' 1.5', ' x', ' 1 ', '  2', '\t3', ' 1\r'];

function name() {
  let s = '';
  const n = 1 + rand(3);
  for (let i = 0; i < n; i++) s += pick(NAME_PIECES);
  return s;
}

function randomLine() {
  let line = rand(10) === 0 ? name() : pick(['cpu', 'mem', 'm', 'h2o', 'disk']);
  const tags = rand(4);
  for (let i = 0; i < tags; i++) line += ',' + (rand(5) === 0 ? name() : pick(['host', 'region', 't'])) + (rand(12) === 0 ? '' : '=') + (rand(5) === 0 ? name() : pick(['a', 'b', 'us-west', 'x y', '1']));
  line += rand(15) === 0 ? pick(['', '\t', '  ']) : ' ';
  const fields = 1 + rand(3);
  for (let i = 0; i < fields; i++) {
    if (i > 0) line += rand(15) === 0 ? pick([',,', ', ', '']) : ',';
    line += (rand(6) === 0 ? name() : pick(['v', 'value', 'f', 'usage idle'.replace(' ', '\\ ')])) + (rand(15) === 0 ? '' : '=') + pick(VALUE_PIECES);
  }
  return line + pick(TS_PIECES);
}

function randomBody() {
  const lines = [];
  const n = 1 + rand(4);
  for (let i = 0; i < n; i++) lines.push(rand(12) === 0 ? pick(['', '# note', '   ']) : randomLine());
  return lines.join(pick(['\n', '\n', '\n', '\r\n'])) + pick(['', '\n']);
}

function inputs() {
  const all = [...EDGES];
  const seen = new Set(all);
  while (all.length < 4000) {
    const b = randomBody();
    if (!seen.has(b)) {
      seen.add(b);
      all.push(b);
    }
  }
  return all;
}

setUp();
execFileSync(CARGO, ['build', '--release', '--quiet'], { cwd: gen, stdio: 'inherit' });
const bodies = inputs();
const result = execFileSync(path.join(gen, 'target/release/lpv3gen'), { input: JSON.stringify(bodies), maxBuffer: 1 << 30 }).toString('utf8');
const vectors = JSON.parse(result);
writeFileSync(
  out,
  JSON.stringify({
    generator: 'scripts/gen-influxdb3-vectors.js (InfluxDB 3 influxdb_line_protocol crate, built offline with nom 8.0.0 and Debian crates)',
    vectors,
  }) + '\n',
);
process.stdout.write(`${vectors.length} vectors written to ${path.relative(root, out)}\n`);
