// Vite builds the renderer (renderer/) for the desktop app and for the browser mode served by
// `lpstudio serve` (npm run build:renderer → dist/renderer).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: { outDir: '../dist/renderer', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
