// The sandboxed preload must be one CommonJS file (see forge.config.ts).
import { defineConfig } from 'vite';

export default defineConfig({
  build: { rollupOptions: { external: ['electron'], output: { format: 'cjs', entryFileNames: 'preload.cjs', inlineDynamicImports: true } } },
});
