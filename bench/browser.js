// Section "browser": keystroke-to-diagnostic latency of the composer in a real browser (Debian's
// Chromium via playwright-core) against the browser mode of `lpstudio serve`, on a 100k-line
// document (the first 100k TSBS lines). A keystroke at the end of the last line breaks its
// timestamp; the latency is from the keydown event (captured in the page) to the status bar
// showing the new error count, i.e. the worker re-validated and the diagnostic reached the UI.
// Peer: the same keystroke on a 10-line document, in the same page and run (what the pipeline
// costs without the document's size). Also: how long the 100k-line paste takes to show its first
// results (it is checked in slices) and to be validated whole.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureTsbs, log, median, root, row } from './lib.js';

const DOC_LINES = 100_000;
const KEYS = 15;
const CHROMIUM = '/usr/bin/chromium';

export function browserRequires() {
  if (!existsSync(path.join(root, 'dist/renderer/index.html'))) return 'the UI is not built (npm run build:renderer)';
  if (!existsSync(CHROMIUM)) return 'Debian chromium is not installed (apt-get install chromium)';
  return null;
}

function firstLines(file, n) {
  const fd = openSync(file, 'r');
  const chunks = [];
  let lines = 0;
  try {
    const buf = Buffer.alloc(1 << 20);
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      let cut = got;
      for (let i = 0; i < got; i++) {
        if (buf[i] === 10 && ++lines === n) {
          cut = i;
          break;
        }
      }
      chunks.push(Buffer.from(buf.subarray(0, cut)));
      if (lines >= n) break;
    }
  } finally {
    closeSync(fd);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function startServe(dataDir, token) {
  const proc = spawn(process.execPath, [path.join(root, 'bin/lpstudio.js'), 'serve', '--port', '0', '--data', dataDir, '--token', token], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`lpstudio serve did not start: ${out}`)), 20_000);
    proc.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1] });
      }
    });
    proc.once('exit', (code) => reject(new Error(`lpstudio serve exited (${code}): ${out}`)));
  });
}

/** In the page: resolves with ms from the next keydown to the status bar text matching `re`. */
function armLatency(page, reSource) {
  return page.evaluate((src) => {
    const re = new RegExp(src);
    const status = document.querySelector('[role="status"][aria-label="Editor status"]');
    window.__lat = new Promise((resolve) => {
      let t0 = 0;
      const onKey = () => {
        t0 = performance.now();
        window.removeEventListener('keydown', onKey, true);
      };
      window.addEventListener('keydown', onKey, true);
      const obs = new MutationObserver(() => {
        if (t0 > 0 && re.test(status.textContent ?? '')) {
          obs.disconnect();
          resolve(performance.now() - t0);
        }
      });
      obs.observe(status, { subtree: true, childList: true, characterData: true });
    });
  }, reSource);
}

async function measureKeystrokes(page, errorsBefore) {
  const out = [];
  for (let i = 0; i < KEYS; i++) {
    await armLatency(page, `\\b${errorsBefore + 1} errors?\\b`);
    await page.keyboard.type('x');
    out.push(await page.evaluate(() => window.__lat));
    await armLatency(page, `\\b${errorsBefore} errors?\\b`);
    await page.keyboard.press('Backspace');
    out.push(await page.evaluate(() => window.__lat));
  }
  return out;
}

/**
 * Puts a document into the editor as a user's paste does (a paste event on the editor). The
 * text is built in the page from `sample` lines (timestamps made unique), because a 35 MB
 * string does not cross the DevTools protocol in one message.
 */
async function loadDoc(page, sample, lines) {
  const editor = page.getByLabel('Line protocol');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  const t0 = Date.now();
  await page.evaluate(
    ({ sample, lines }) => {
      const out = new Array(lines);
      for (let i = 0; i < lines; i++) {
        const l = sample[i % sample.length];
        const sp = l.lastIndexOf(' ');
        out[i] = `${l.slice(0, sp)} ${BigInt(l.slice(sp + 1)) + BigInt(Math.floor(i / sample.length))}`;
      }
      const dt = new DataTransfer();
      dt.setData('text/plain', out.join('\n'));
      document.querySelector('.cm-content').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    },
    { sample, lines },
  );
  const status = page.getByRole('status', { name: 'Editor status' });
  // The first results (a big text is checked in slices: the first lines' counts come first).
  await status.filter({ hasText: /^[1-9][\d,]* lines? ·/ }).waitFor({ timeout: 300_000 });
  const firstMs = Date.now() - t0;
  await status.filter({ hasText: new RegExp(`^${lines.toLocaleString('en')} lines? ·`) }).waitFor({ timeout: 300_000 });
  const ms = Date.now() - t0;
  await page.keyboard.press('ControlOrMeta+End');
  const text = (await status.textContent()) ?? '';
  const errors = Number(/(\d[\d,]*) errors?/.exec(text)?.[1].replace(/,/g, '') ?? 'NaN');
  return { ms, firstMs, errors };
}

export async function browserSection() {
  const { chromium } = await import('playwright-core');
  const sample = firstLines(ensureTsbs(), 1000).split('\n').filter((l) => l !== '');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lpstudio-bench-browser-'));
  const token = `bench-${process.pid}-${Date.now()}`;
  const { proc, url } = await startServe(path.join(dataDir, 'data'), token);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Line protocol').waitFor();

    const smallLoad = await loadDoc(page, sample.slice(0, 10), 10);
    const smallLat = await measureKeystrokes(page, smallLoad.errors);
    log(`browser: pasting ${DOC_LINES.toLocaleString('en')} TSBS lines …`);
    const bigLoad = await loadDoc(page, sample, DOC_LINES);
    const bigLat = await measureKeystrokes(page, bigLoad.errors);
    // The same keystrokes in the middle of the document (line 50,000, via the editor's go-to-line
    // panel): an edit there must not re-check the lines after it.
    await page.keyboard.press('ControlOrMeta+Alt+g');
    await page.keyboard.type(String(Math.floor(DOC_LINES / 2)));
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    const midLat = await measureKeystrokes(page, bigLoad.errors);
    const ours = median(bigLat);
    const peer = median(smallLat);
    return {
      rows: [
        row('keystroke → diagnostic, 100k-line document (median)', {
          ours,
          unit: 'ms',
          peer,
          peerName: 'same, 10-line document',
          better: 'lower',
          target: { text: 'aim < 50 ms', pass: ours < 50 },
        }),
        row('keystroke → diagnostic, 100k-line document (worst)', { ours: Math.max(...bigLat), unit: 'ms', better: 'lower' }),
        row('keystroke → diagnostic, line 50,000 of 100k (median)', {
          id: 'browser-keystroke-mid',
          ours: median(midLat),
          unit: 'ms',
          peer,
          peerName: 'same, 10-line document',
          better: 'lower',
          target: { text: 'aim < 50 ms', pass: median(midLat) < 50 },
        }),
        row('keystroke → diagnostic, line 50,000 of 100k (worst)', { id: 'browser-keystroke-mid-worst', ours: Math.max(...midLat), unit: 'ms', better: 'lower' }),
        row('paste 100k lines → first results shown (status bar)', { ours: bigLoad.firstMs, unit: 'ms', better: 'lower' }),
        row('paste 100k lines → validated, status bar updated', { ours: bigLoad.ms, unit: 'ms', better: 'lower' }),
      ],
      notes: [`${KEYS * 2} keystrokes each (type "x" at the end of the last line, or of line 50,000, then Backspace), measured in the page from keydown to the status bar`],
      raw: { big: bigLat, middle: midLat, small: smallLat, pasteMs: bigLoad.ms, pasteFirstResultsMs: bigLoad.firstMs },
    };
  } finally {
    await browser.close();
    proc.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}
