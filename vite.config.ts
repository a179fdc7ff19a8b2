// Vite builds the renderer (renderer/) for the desktop app and for the browser mode served by
// `lpstudio serve`. The renderer itself lands with the desktop/composer issue.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  build: { outDir: '../dist/renderer', emptyOutDir: true },
});
