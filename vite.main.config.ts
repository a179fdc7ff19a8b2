// Electron Forge's Vite plugin builds the main process with this (see forge.config.ts).
import { defineConfig } from 'vite';

export default defineConfig({
  build: { rollupOptions: { external: ['electron', 'electron-store'] } },
});
