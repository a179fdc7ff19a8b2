// Electron Forge packaging (deb and zip) for users' machines. Forge 8's CLI needs Node >= 22.13,
// the Electron binary and packages fetched from GitHub, so it is not installed on the offline
// development machines; to package, first run:
//   npm install --save-dev @electron-forge/cli @electron-forge/plugin-vite @electron-forge/maker-deb @electron-forge/maker-zip
// then `npx electron-forge make`. Forge also needs package.json's "main" to be ".vite/build/main.js"
// (it is not set yet: package.json belongs to the lead). The config is typed locally so it type-checks without them.
interface ForgeConfig {
  packagerConfig: Record<string, unknown>;
  makers: { name: string; platforms?: string[]; config: Record<string, unknown> }[];
  plugins: { name: string; config: Record<string, unknown> }[];
}

const config: ForgeConfig = {
  packagerConfig: {
    name: 'Line Protocol Studio',
    executableName: 'lpstudio-desktop',
    asar: true,
    // What the app needs at run time: Vite's output (.vite/: main, host, preload, renderer), the
    // tray icons, package.json. (The Vite plugin's default would drop the icons.)
    ignore: (file: string) => !(file === '' || file === '/package.json' || file.startsWith('/.vite') || file === '/electron' || file.startsWith('/electron/icons')),
  },
  makers: [
    { name: '@electron-forge/maker-deb', config: { options: { name: 'lpstudio', productName: 'Line Protocol Studio', categories: ['Development'] } } },
    { name: '@electron-forge/maker-zip', platforms: ['linux', 'darwin', 'win32'], config: {} },
  ],
  plugins: [
    {
      name: '@electron-forge/plugin-vite',
      config: {
        // The main process, the endpoint's host (forked as a utilityProcess) and the sandboxed
        // preload (CommonJS), built by Vite into .vite/build/.
        build: [
          { entry: 'electron/main.ts', config: 'vite.main.config.ts', target: 'main' },
          { entry: 'cli/endpoint-host.ts', config: 'vite.main.config.ts', target: 'main' },
          { entry: 'electron/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
        ],
        // The renderer: the same Vite config as the browser mode.
        renderer: [{ name: 'main_window', config: 'vite.config.ts' }],
      },
    },
  ],
};

export default config;
