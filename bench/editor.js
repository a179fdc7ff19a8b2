// Section "editor": the figures the editor lives by, on a 100k-line document (the first 100k lines
// of the TSBS file with a few hundred lines carrying errors and warnings mixed in):
//   - validate(doc) from scratch, median of 5 (aim < 150 ms);
//   - with IncrementalValidator (when dist/lineprotocol/incremental.js exists): one-line edits at
//     random lines, median of 20 (aim < 5 ms).
// The peer figure is InfluxDB's Go parser on the same 100k TSBS lines (without the injected lines,
// which it would reject), via parse-peer: a reference for "parse this much text".
import { closeSync, existsSync, openSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheDir, ensureTsbs, log, median, nowMs, rng, root, row, runParsePeer } from './lib.js';

const DOC_LINES = 100_000;
const RUNS = 5;
const EDITS = 20;

/** Lines with errors (E) and warnings (W), cycled through and spread over the document. */
const INJECTED = [
  // errors
  (i) => `cpu,hostname=host_${i},region=us-east-1 usage_user=12x,usage_system=3i 1451606400000000000`, // invalid number
  (i) => `cpu,hostname=host_${i},region=us-east-1 1451606400000000000`, // missing fields
  (i) => `cpu,hostname=,region=us-east-1 usage_user=1i 1451606400000000000`, // missing tag value
  (i) => `cpu,hostname=host_${i} usage_user=1i 14516064000000000zz`, // bad timestamp
  (i) => `cpu,hostname=host_${i} usage_user=tru 1451606400000000000`, // invalid boolean
  (i) => `cpu,hostname=host_${i},hostname=dup usage_user=1i 1451606400000000000`, // duplicate tags
  (i) => `,hostname=host_${i} usage_user=1i 1451606400000000000`, // missing measurement
  (i) => `cpu,hostname=host_${i} usage_user=99999999999999999999i 1451606400000000000`, // integer out of range
  // warnings
  (i) => `cpu,hostname=host_${i},region=us-east-1 usage_user=10i,usage_system=2i 1451606400`, // precision mismatch (seconds)
  (i) => `cpu,hostname=host_${i},region=us-east-1 usage_user=1.5 ${1451606400000000000n + BigInt(i)}`, // field type conflict (float vs int)
  (i) => `cpu,hostname=host_${i},region=us-east-1 note="a\\nb" ${1451606400000000000n + BigInt(i)}`, // literal escape
  (i) => `cpu,hostname=host_${i},region=us-east-1 usage_user=1i ${1451606400000000000n + BigInt(i)}\r`, // CRLF
  (i) => `cpu,hostname=dup_${i % 5} usage_user=1i 1451606400000000000`, // duplicate point (same series and time)
  // fine but unusual: a multi-line string, a comment, a blank line
  (i) => `cpu,hostname=host_${i} msg="first line\nsecond line" ${1451606400000000000n + BigInt(i)}`,
  () => `# a comment`,
  () => ``,
];
const INJECT_COUNT = 320;

/** A full GC between phases, when available (node --expose-gc); never inside a timed region. */
const collect = () => globalThis.gc?.();

function readFirstLines(file, lines) {
  const fd = openSync(file, 'r');
  try {
    const chunks = [];
    const chunk = Buffer.allocUnsafe(1 << 22);
    let seen = 0;
    let pos = 0;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, pos);
      if (n === 0) break;
      let cut = -1;
      for (let i = chunk.indexOf(10); i >= 0 && i < n; i = chunk.indexOf(10, i + 1)) {
        if (++seen === lines) {
          cut = i + 1;
          break;
        }
      }
      chunks.push(Buffer.from(chunk.subarray(0, cut >= 0 ? cut : n)));
      pos += n;
      if (cut >= 0) break;
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export function makeDocument(clean) {
  const lines = clean.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const out = [];
  const every = Math.floor(lines.length / INJECT_COUNT);
  let k = 0;
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]);
    if (i % every === every - 1 && k < INJECT_COUNT) out.push(INJECTED[k % INJECTED.length](k++));
  }
  return out.join('\n') + '\n';
}

export async function editorSection() {
  const file = ensureTsbs();
  const parseMod = await import(pathToFileURL(path.join(root, 'dist/lineprotocol/parse.js')).href);
  const incPath = path.join(root, 'dist/lineprotocol/incremental.js');

  const clean = readFirstLines(file, DOC_LINES);
  const cleanFile = path.join(cacheDir, `tsbs-cpu-first-${DOC_LINES}.lp`);
  writeFileSync(cleanFile, clean);
  const doc = makeDocument(clean);
  const docBytes = Buffer.byteLength(doc);

  log('parse-peer on the same 100k clean lines …');
  const peer = await runParsePeer(cleanFile);
  const peerMs = peer.seconds * 1000;

  collect();
  log(`validate(doc) from scratch, median of ${RUNS} …`);
  const times = [];
  let result = null;
  for (let r = 0; r < RUNS; r++) {
    const t0 = nowMs();
    result = parseMod.validate(doc);
    times.push(nowMs() - t0);
  }
  const validateMs = median(times);
  const s = result.stats;
  const rows = [
    row('validate(doc) from scratch (warnings on), median of 5', {
      id: 'editor-validate',
      ours: validateMs, unit: 'ms', better: 'lower', peer: peerMs, peerName: 'Go models, 100k clean lines',
      target: { text: '< 150 ms', pass: validateMs < 150 },
      note: `${s.lines.toLocaleString('en')} lines, ${s.errors} errors, ${s.warnings} warnings; runs ${times.map((t) => t.toFixed(0)).join('/')} ms`,
    }),
  ];
  const raw = { docLines: s.lines, docBytes, injected: INJECT_COUNT, stats: s, validateMs: times, peer };

  if (!existsSync(incPath)) {
    rows.push(row('incremental: not available (dist/lineprotocol/incremental.js missing)', { ours: null, unit: '' }));
    return { rows, raw, notes: [`document: ${s.lines.toLocaleString('en')} lines, ${(docBytes / 1e6).toFixed(1)} MB`] };
  }

  const { IncrementalValidator } = await import(pathToFileURL(incPath).href);
  // The editor opens a document once (setText) and then edits it; the validator is timed that way,
  // on a clean heap (gc() between phases when node runs with --expose-gc, as run.js starts it).
  result = null;
  collect();
  const v = new IncrementalValidator({});
  log('IncrementalValidator.setText(doc), once …');
  const t0 = nowMs();
  v.setText(doc);
  const setMs = nowMs() - t0;
  collect();

  // Edits: a keystroke in a field value of a random line — alternately a digit replaced by another
  // digit (stays valid) and an 'x' typed after a digit (makes an error), then the diagnostics.
  // Two loops (so the garbage of one kind does not land in the other's timings): per-line
  // diagnostics only, then everything including cross-line findings. 3 warm-up edits each.
  const rand = rng(20240601);
  const edits = [];
  const timeEdits = (read) => {
    const ms = [];
    for (let e = 0; e < EDITS + 3; e++) {
      const text = v.text;
      let from = -1;
      while (from < 0) {
        const at = Math.floor(rand() * text.length);
        const ls = text.lastIndexOf('\n', at - 1) + 1;
        const eq = text.indexOf('usage_idle=', ls);
        const le = text.indexOf('\n', ls);
        if (eq >= 0 && (le < 0 || eq < le)) from = eq + 'usage_idle='.length;
      }
      const typeError = e % 2 === 1;
      const to = typeError ? from : from + 1;
      const insert = typeError ? 'x' : String(Math.floor(rand() * 10));
      edits.push([from, to, insert]);
      const t0 = nowMs();
      v.applyEdit(from, to, insert);
      read();
      const t1 = nowMs();
      if (e >= 3) ms.push(t1 - t0);
    }
    return ms;
  };
  log(`${EDITS} one-line edits at random lines, applyEdit + localDiagnostics() …`);
  const localMs = timeEdits(() => v.localDiagnostics());
  collect();
  log(`${EDITS} one-line edits at random lines, applyEdit + diagnostics() …`);
  const allMs = timeEdits(() => v.diagnostics());
  // The validator must agree with a from-scratch validation of the edited text.
  let text = doc;
  for (const [from, to, insert] of edits) text = text.slice(0, from) + insert + text.slice(to);
  const fresh = parseMod.validate(text);
  const finalDiags = v.diagnostics();
  const consistent = v.text === text && finalDiags.length === fresh.diagnostics.length;

  const localMed = median(localMs);
  const allMed = median(allMs);
  rows.push(
    row('IncrementalValidator.setText(doc) (opening the document)', { id: 'editor-settext', ours: setMs, unit: 'ms', better: 'lower', peer: peerMs, peerName: 'Go models, 100k clean lines', target: { text: '< 150 ms', pass: setMs < 150 } }),
    row('one-line edit: applyEdit + localDiagnostics(), median of 20', {
      ours: localMed, unit: 'ms', better: 'lower', target: { text: '< 5 ms', pass: localMed < 5 },
      note: `max ${Math.max(...localMs).toFixed(2)} ms`,
    }),
    row('one-line edit: applyEdit + diagnostics() (incl. cross-line), median of 20', {
      id: 'editor-diagnostics',
      ours: allMed, unit: 'ms', better: 'lower', target: { text: '< 5 ms', pass: allMed < 5 },
      note: `max ${Math.max(...allMs).toFixed(2)} ms; after the edits ${finalDiags.length} diagnostics, from-scratch validate ${fresh.diagnostics.length}: ${consistent ? 'consistent' : 'MISMATCH'}`,
    }),
  );
  rows.push(row('one-line edit: applyEdit + diagnostics(), max of 20', { id: 'editor-diagnostics-max', ours: Math.max(...allMs), unit: 'ms', better: 'lower' }));
  Object.assign(raw, { setTextMs: setMs, editLocalMs: localMs, editAllMs: allMs, consistent });
  return {
    rows,
    raw,
    notes: [
      `document: ${s.lines.toLocaleString('en')} lines, ${(docBytes / 1e6).toFixed(1)} MB (first ${DOC_LINES.toLocaleString('en')} TSBS lines + ${INJECT_COUNT} lines with errors/warnings)`,
      'edits: a keystroke in usage_idle of a random line (digit replaced / "x" typed), timed from applyEdit to diagnostics in hand; 3 warm-up edits not counted',
      `peer: parse-peer on the 100k clean lines (${peerMs.toFixed(1)} ms best of 5; no editor peer exists, this is "parse the same text" in Go)`,
    ],
  };
}
