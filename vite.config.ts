// Vite builds the renderer (renderer/) for the desktop app and for the browser mode served by
// `lpstudio serve` (npm run build:renderer → dist/renderer). Electron Forge's Vite plugin builds
// it with this config too (forge.config.ts), into .vite/renderer/<name>/ where the packaged main
// process loads it.
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig((env) => {
  const forgeRenderer = (env as { forgeConfigSelf?: { name?: string } }).forgeConfigSelf?.name;
  return {
    root: path.join(root, 'renderer'),
    base: './',
    plugins: [react()],
    worker: { format: 'es' as const },
    build: {
      outDir: forgeRenderer === undefined ? path.join(root, 'dist/renderer') : path.join(root, '.vite/renderer', forgeRenderer),
      emptyOutDir: true,
      chunkSizeWarningLimit: 2000,
    },
  };
});
