// Electronegativity, Doyensec's Electron security linter, over the desktop code (electron/),
// offline (scripts/electronegativity.js): no finding above LOW unless the checked-in allow-list
// (test/conformance/electronegativity-allowlist.json) names it with its reason, and no stale
// allow-list entry. A second run over the window code as it was (openExternal for any https
// URL, webPreferences the linter cannot see, middle-click on) shows the gate catches those.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/shared.js';

interface Finding {
  id: string;
  severity: string;
  file: string;
  sample: string;
}
interface Report {
  checks: number;
  errors: string[];
  network: string[];
  findings: Finding[];
  unexpected: Finding[];
  stale: { id: string; file: string }[];
}

function electronegativity(...args: string[]): { status: number | null; report: Report } {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/electronegativity.js'), ...args], { cwd: repoRoot, encoding: 'utf8' });
  if (r.stdout.trim() === '') throw new Error(`no report: ${r.stderr}`);
  return { status: r.status, report: JSON.parse(r.stdout) as Report };
}

describe('electronegativity', () => {
  it('finds nothing above LOW in electron/ that the allow-list does not explain', () => {
    const { status, report } = electronegativity();
    expect(report.checks).toBeGreaterThan(30);
    expect(report.errors).toEqual([]);
    expect(report.network).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(report.stale).toEqual([]);
    expect(status).toBe(0);
    const ids = report.findings.map((f) => f.id);
    for (const gone of ['AUXCLICK_JS_CHECK', 'CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'NODE_INTEGRATION_JS_CHECK']) expect(ids).not.toContain(gone);
    expect(report.findings.filter((f) => f.id === 'OPEN_EXTERNAL_JS_CHECK').map((f) => f.sample)).toEqual([expect.stringContaining('shell.openExternal(decision.url)')]);
  });

  it('fails on the old window code: any https URL to openExternal, middle-click on', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lpstudio-eneg-'));
    writeFileSync(
      path.join(dir, 'main.ts'),
      [
        "import { BrowserWindow, shell } from 'electron';",
        'export function open(preload: string, contents: any) {',
        '  contents.setWindowOpenHandler(({ url }: { url: string }) => {',
        '    if (/^https:\\/\\//.test(url)) void shell.openExternal(url);',
        "    return { action: 'deny' };",
        '  });',
        '  return new BrowserWindow({ webPreferences: { preload, contextIsolation: true, sandbox: true, nodeIntegration: false } });',
        '}',
      ].join('\n'),
    );
    const { status, report } = electronegativity('--input', dir);
    expect(status).toBe(1);
    expect(report.unexpected.map((f) => f.id)).toEqual(expect.arrayContaining(['AUXCLICK_JS_CHECK', 'OPEN_EXTERNAL_JS_CHECK']));
  });
});
