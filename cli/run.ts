// The lpstudio process: runs the command named by the arguments. Started by bin/lpstudio.js in a
// checkout, and bundled into one file (lpstudio-cli.mjs, see vite.cli.config.ts) for the desktop package.
import { main } from './main.js';

// A reader that stops early (`lpstudio parse big.lp | head`) closes the pipe: stop quietly, as
// command-line tools do, instead of crashing on the unhandled EPIPE.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});

// Exit only after stdout has drained (exitCode, not process.exit), so piped output is never cut short.
process.exitCode = await main(process.argv.slice(2));
