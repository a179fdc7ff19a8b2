// Locates ../shared (the reference material beside the checkout) for conformance tests.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function sharedPath(...parts: string[]): string {
  const p = path.resolve(repoRoot, '..', 'shared', ...parts);
  if (!existsSync(p)) throw new Error(`missing ${p}: the tests need ../shared beside the checkout`);
  return p;
}

export { repoRoot };
