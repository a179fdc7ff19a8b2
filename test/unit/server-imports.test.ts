// The rooms: server/ is the endpoint in plain Node and imports nothing from app/ (the browser
// mode and the desktop's endpoint host wire the two together from cli/). Scans every source file
// under server/ for an import or export-from of a module under app/ (static or dynamic).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/shared.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(e.name) ? [p] : [];
  });
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const patterns = [/\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]);
  return out;
}

describe('server/ imports nothing from app/', () => {
  const serverDir = path.join(repoRoot, 'server');
  const appDir = path.join(repoRoot, 'app');
  const files = sources(serverDir);

  it('finds the sources it checks', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(files).toContain(path.join(serverDir, 'endpoint.ts'));
    // The scanner itself sees an import of app/ when there is one.
    expect(specifiers(`import { x } from '../app/contract.js';\nexport * from "../../app/y.js";\nawait import('../app/z.js');`)).toEqual(['../app/contract.js', '../../app/y.js', '../app/z.js']);
  });

  it('no file under server/ imports a module under app/', () => {
    const offending: string[] = [];
    for (const f of files) {
      for (const spec of specifiers(readFileSync(f, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(f), spec);
        if (target === appDir || target.startsWith(appDir + path.sep)) offending.push(`${path.relative(repoRoot, f)} imports ${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
