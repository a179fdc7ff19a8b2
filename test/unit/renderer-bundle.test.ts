// The renderer bundle is split: what the page loads first (the entry chunk and the chunks it
// imports statically) is the composer; the data browser with its chart library (uPlot), the request
// inspector and the upload dialog are chunks of their own, imported dynamically when first opened.
// Built here with the project's Vite config into a temporary directory (dist/renderer, which the
// end-to-end tests serve, is left alone).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, makeTempDir } from '../support/serve.js';
import { repoRoot } from '../support/shared.js';

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

let out: string;
let manifest: Record<string, ManifestChunk>;

beforeAll(async () => {
  out = makeTempDir('lpstudio-bundle-');
  await build({ configFile: path.join(repoRoot, 'vite.config.ts'), logLevel: 'warn', build: { outDir: out, emptyOutDir: true, manifest: true } });
  manifest = JSON.parse(readFileSync(path.join(out, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
}, 120_000);
afterAll(cleanup);

const read = (file: string) => readFileSync(path.join(out, file), 'utf8');

/** Every file the page loads before any view is opened: the entry, its static imports (transitively), their CSS. */
function initialFiles(): string[] {
  const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
  expect(entry).toBeDefined();
  const seen = new Set<string>();
  const files: string[] = [];
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const c = manifest[key];
    files.push(c.file, ...(c.css ?? []));
    for (const i of c.imports ?? []) visit(i);
  };
  visit(entry!);
  return files;
}

const chunkOf = (src: string) => Object.values(manifest).find((c) => c.src === src);

// Strings only each view's own code carries (uPlot's by its CSS class names, in its script too).
const MARKS = {
  'components/DataDrawer.tsx': ['Load older points', 'Measurement schema', 'u-legend', 'u-over'],
  'components/InspectorDrawer.tsx': ['Request inspector', 'Filter by status'],
  'components/FileUploadModal.tsx': ['File summary', 'Reading the file'],
};

// The Query tab's own strings: its editor's label, its chart's, and one of the InfluxQL parser's errors.
const QUERY_MARKS = ['InfluxQL query', "Chart of the query's series", 'fill must be a function call'];

describe('renderer bundle', () => {
  it('loads the composer first: no chart library, data browser, inspector or upload dialog in it', () => {
    const files = initialFiles();
    const text = files.map(read).join('\n');
    // It is the composer.
    expect(text).toContain('Line protocol');
    expect(text).toContain('Copy as curl');
    for (const marks of Object.values(MARKS)) for (const m of marks) expect(text).not.toContain(m);
  });

  it('has each view as a chunk of its own, imported dynamically by the entry', () => {
    const entry = Object.values(manifest).find((c) => c.isEntry)!;
    for (const [src, marks] of Object.entries(MARKS)) {
      const chunk = chunkOf(src);
      expect(chunk, src).toBeDefined();
      expect(chunk!.isDynamicEntry).toBe(true);
      expect(entry.dynamicImports).toContain(src);
      const own = [chunk!.file, ...(chunk!.css ?? [])].map(read).join('\n');
      for (const m of marks) expect(own, `${src}: ${m}`).toContain(m);
    }
    // uPlot's code (not only its CSS) is in the data browser's chunk.
    expect(read(chunkOf('components/DataDrawer.tsx')!.file)).toMatch(/u-legend/);
  });

  it("has the Query tab (InfluxQL editor and parser) as a chunk the data browser imports when the tab opens", () => {
    const query = chunkOf('query/QueryPanel.tsx');
    expect(query).toBeDefined();
    expect(query!.isDynamicEntry).toBe(true);
    expect(chunkOf('components/DataDrawer.tsx')!.dynamicImports).toContain('query/QueryPanel.tsx');
    const own = read(query!.file);
    for (const m of QUERY_MARKS) expect(own, m).toContain(m);
    const first = initialFiles().map(read).join('\n');
    const drawer = read(chunkOf('components/DataDrawer.tsx')!.file);
    for (const m of QUERY_MARKS) {
      expect(first, m).not.toContain(m);
      expect(drawer, m).not.toContain(m);
    }
  });
});
