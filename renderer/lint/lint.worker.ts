// The live linter, off the main thread (the checking itself is in lint-session.ts). A keystroke
// re-parses only the records it touched, even in a 100k-line document, and is answered at once; a
// big text is checked in slices with a yield between them, so the results show as they come and a
// newer edit is taken in before the next slice. The cross-line checks (type conflicts, duplicates),
// which walk the whole document, follow when typing pauses.
import { LintSession } from './lint-session.js';
import type { ToWorker } from './protocol.js';

const CROSS_LINE_DELAY_MS = 250;
/** After a text checked in slices (a big one), before the cross-line checks have been timed on it. */
const BIG_TEXT_CROSS_LINE_DELAY_MS = 1_000;
/**
 * The cross-line checks run in one go; a keystroke arriving meanwhile waits for them. When they
 * take long (a big document), they wait for a longer pause: twice as long as they took last time.
 */
let crossDelay = CROSS_LINE_DELAY_MS;
let sliced = false;
const session = new LintSession((m) => postMessage(m));
let scheduled = false;
let crossTimer: ReturnType<typeof setTimeout> | undefined;

function tick(): void {
  scheduled = false;
  const next = session.step();
  if (next === 'slice') {
    sliced = true;
    schedule();
  } else if (next === 'cross-line') {
    if (sliced) crossDelay = Math.max(crossDelay, BIG_TEXT_CROSS_LINE_DELAY_MS);
    sliced = false;
    crossTimer = setTimeout(() => {
      const t0 = performance.now();
      if (session.crossLine()) crossDelay = Math.min(2_000, Math.max(CROSS_LINE_DELAY_MS, 2 * (performance.now() - t0)));
    }, crossDelay);
  }
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  // A task, not a microtask: messages that arrived meanwhile are received before the next step.
  setTimeout(tick, 0);
}

onmessage = (e: MessageEvent<ToWorker>) => {
  clearTimeout(crossTimer);
  session.receive(e.data);
  // Edits that arrive together are applied together, then diagnosed once.
  schedule();
};
