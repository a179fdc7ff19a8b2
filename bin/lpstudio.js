#!/usr/bin/env node
// Entry point of the lpstudio command. The TypeScript sources are compiled to dist/ by
// `npm install` (the prepare script) or `npm run build:cli`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/run.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('lpstudio: dist/ is missing; run "npm install" (or "npm run build:cli") in the checkout first\n');
  process.exit(2);
}
await import(entry.href);
