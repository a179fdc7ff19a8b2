// Electron Forge's Vite plugin bundles the lpstudio command (cli/run.ts) into one ES module,
// .vite/build/lpstudio-cli.mjs (see forge.config.ts). The desktop package keeps that file out of
// the asar, in resources/app.asar.unpacked/, so that packaging/lpstudio can run it under the
// system's Node.js: the packaged Electron cannot act as Node (its RunAsNode fuse is off).
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  define: {
    LPSTUDIO_VERSION: JSON.stringify(version),
    // The browser mode's UI: the copy Forge puts in resources/main_window (forge.config.ts's extraResource).
    LPSTUDIO_RENDERER_DIR: JSON.stringify('../../../main_window'),
  },
  build: {
    lib: { entry: 'cli/run.ts', formats: ['es'], fileName: () => 'lpstudio-cli.mjs' },
    // One file (the package runs it from outside the asar), though the commands load lazily.
    rollupOptions: { external: [/^node:/], output: { codeSplitting: false } },
  },
});
