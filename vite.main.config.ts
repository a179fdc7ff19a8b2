// Electron Forge's Vite plugin builds the main process and the endpoint host with this (see
// forge.config.ts). This package is "type": "module", so both are ES modules (Forge's default
// is CommonJS in a .js file, which Node would then refuse). Everything but `electron` is bundled
// (electron-store included): Forge packages only .vite/ and the files forge.config.ts keeps.
import { defineConfig } from 'vite';

export default defineConfig((env) => {
  const entry = (env as { forgeConfigSelf?: { entry?: string } }).forgeConfigSelf?.entry ?? 'electron/main.ts';
  return {
    build: {
      lib: { entry, formats: ['es'], fileName: () => '[name].js' },
      rollupOptions: { external: ['electron', /^node:/] },
    },
  };
});
