// The live linter, off the main thread: the engine's IncrementalValidator follows the editor's
// changes, so a keystroke re-parses only the records it touched, even in a 100k-line document.
// Each change is answered at once with the per-record diagnostics; the checks that relate lines
// to each other (type conflicts, duplicates), which walk the whole document, follow when typing pauses.
import { IncrementalValidator } from '../../lineprotocol/incremental.js';
import { targetParseOptions } from '../../lineprotocol/target.js';
import type { Diagnostic } from '../../lineprotocol/types.js';
import { MAX_SHOWN, type FromWorker, type LintOptions, type ToWorker } from './protocol.js';

let validator: IncrementalValidator | null = null;
let options: LintOptions = { target: 'endpoint', precision: 'ns' };
let pending: ToWorker[] = [];
let scheduled = false;
let crossTimer: ReturnType<typeof setTimeout> | undefined;
let lastVersion = 0;
const CROSS_LINE_DELAY_MS = 250;

function fresh(text: string): void {
  validator = new IncrementalValidator(targetParseOptions(options.target, options.precision));
  validator.setText(text);
}

function run(): void {
  scheduled = false;
  const batch = pending;
  pending = [];
  const t0 = performance.now();
  let version = 0;
  for (const m of batch) {
    version = m.version;
    if (m.type === 'set') {
      options = m.options;
      fresh(m.text);
    } else if (m.type === 'options') {
      options = m.options;
      fresh(validator?.text ?? '');
    } else {
      if (validator === null) fresh('');
      for (const c of m.changes) validator!.applyEdit(c.from, c.to, c.insert);
    }
  }
  if (validator === null) return;
  lastVersion = version;
  const local = validator.localDiagnostics();
  post(version, local, [], t0, false);
  clearTimeout(crossTimer);
  crossTimer = setTimeout(() => {
    if (validator === null || pending.length > 0 || version !== lastVersion) return;
    const t1 = performance.now();
    post(version, local, validator.crossLineDiagnostics(), t1, true);
  }, CROSS_LINE_DELAY_MS);
}

function post(version: number, local: Diagnostic[], cross: Diagnostic[], t0: number, complete: boolean): void {
  const all = cross.length === 0 ? local : [...local, ...cross].sort((x, y) => x.line - y.line || x.column - y.column);
  const stats = validator!.stats();
  stats.warnings += cross.length;
  const out: FromWorker = { version, stats, diagnostics: all.length > MAX_SHOWN ? all.slice(0, MAX_SHOWN) : all, ms: performance.now() - t0, complete };
  postMessage(out);
}

onmessage = (e: MessageEvent<ToWorker>) => {
  pending.push(e.data);
  // Edits that arrive together are applied together, then diagnosed once.
  if (!scheduled) {
    scheduled = true;
    setTimeout(run, 0);
  }
};
