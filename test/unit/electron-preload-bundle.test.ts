// A sandboxed preload cannot load modules at run time: it must bundle into one CommonJS file
// whose only require is `electron`, exposing exactly `call` and `openFile`. Built here with Vite
// the way the packaging builds it (one CJS entry, electron external).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/shared.js';

describe('preload bundle', () => {
  it('is one CommonJS file requiring only electron, exposing call and openFile', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'lpstudio-preload-'));
    await build({
      configFile: false,
      logLevel: 'silent',
      build: { outDir: out, emptyOutDir: true, minify: false, lib: { entry: path.join(repoRoot, 'electron/preload.ts'), formats: ['cjs'], fileName: () => 'preload.cjs' }, rollupOptions: { external: ['electron'] } },
    });
    const code = readFileSync(path.join(out, 'preload.cjs'), 'utf8');
    expect([...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(code).not.toMatch(/\bimport\s*\(/);
    expect(code).toContain('exposeInMainWorld("lpstudio"');
    const exposed = /exposeInMainWorld\("lpstudio", \{([\s\S]*?)\n\}\)/.exec(code)?.[1] ?? '';
    expect([...exposed.matchAll(/^\s*(\w+):/gm)].map((m) => m[1])).toEqual(['call', 'openFile']);
  }, 60_000);
});
