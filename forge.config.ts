// Electron Forge packaging: `npm run package` (the app in out/) and `npm run make` (a .deb and a
// .zip for Linux x64 in out/make/). Both run through scripts/forge.js, which first checks that
// Electron's release zip can be had (see the README's "Desktop packages").
//
// Environment:
//   LPSTUDIO_ELECTRON_ZIP_DIR  a directory holding electron-v<version>-linux-x64.zip, used instead
//                              of downloading it (offline machines)
//   LPSTUDIO_PACKAGE_OUT_DIR   where the app and the packages go (default out/)
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerZIP } from '@electron-forge/maker-zip';
import { VitePlugin } from '@electron-forge/plugin-vite';
import type { ForgeConfig } from '@electron-forge/shared-types';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The packaged app's executable, in the .zip's folder and in /usr/lib/lpstudio/ from the .deb. */
export const EXECUTABLE_NAME = 'lpstudio-desktop';

/** The bundled command line, built by the Vite plugin and kept out of the asar (run by packaging/lpstudio). */
export const CLI_BUNDLE = '.vite/build/lpstudio-cli.mjs';

/** The hicolor sizes of the app icon (packaging/icons/<size>x<size>.png, made by scripts/make-icons.sh). */
export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512] as const;

/**
 * Electron's fuses for a production build: no Node mode for the binary (ELECTRON_RUN_AS_NODE),
 * no NODE_OPTIONS and no --inspect, the app only from its asar, and the asar checked against
 * the hash embedded at packaging time (Electron checks that on macOS and Windows only, not on
 * Linux). GrantFileProtocolExtraPrivileges stays on: the renderer is loaded from file:// as ES
 * modules with a module worker.
 */
export const PRODUCTION_FUSES = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
} as const;

/**
 * What goes into the app (paths relative to the project, starting with '/'): Vite's output
 * (.vite/: main, host, preload, CLI, renderer), the tray icons and package.json. Nothing else:
 * the Vite bundles hold every dependency but `electron`, so no node_modules at all.
 */
export function keepInApp(file: string): boolean {
  return file === '' || file === '/package.json' || file === '/.vite' || file.startsWith('/.vite/') || file === '/electron' || file === '/electron/icons' || file.startsWith('/electron/icons/');
}

const zipDir = process.env.LPSTUDIO_ELECTRON_ZIP_DIR || undefined;

const config: ForgeConfig = {
  outDir: process.env.LPSTUDIO_PACKAGE_OUT_DIR || 'out',
  packagerConfig: {
    name: 'Line Protocol Studio',
    executableName: EXECUTABLE_NAME,
    // The CLI bundle is unpacked so that the system's Node.js can read it; the rest stays in the asar.
    asar: { unpack: `**/${CLI_BUNDLE}` },
    ignore: (file: string) => !keepInApp(file),
    // resources/lpstudio: the command line's launcher (/usr/bin/lpstudio in the .deb); and
    // resources/main_window: a copy of the UI outside the asar for `lpstudio serve`'s browser mode
    // (Node cannot read the asar; the desktop app loads the UI from inside it).
    extraResource: ['packaging/lpstudio', '.vite/renderer/main_window'],
    ...(zipDir !== undefined ? { electronZipDir: zipDir } : {}),
  },
  hooks: {
    // The engine's byte scanner is generated from its text scanner (as `npm run build:cli` does).
    generateAssets: async () => void execFileSync(process.execPath, [fileURLToPath(new URL('./scripts/gen-influx-bytes.js', import.meta.url))], { stdio: 'inherit' }),
  },
  makers: [
    new MakerDeb({
      options: {
        name: 'lpstudio',
        productName: 'Line Protocol Studio',
        genericName: 'Line protocol editor',
        description: 'Compose, validate and send InfluxDB line protocol; an embedded InfluxDB-compatible endpoint',
        productDescription:
          'Line Protocol Studio edits InfluxDB line protocol with live validation, sends it to InfluxDB 1.x, 2.x or Cloud, uploads large files, and runs a local InfluxDB-compatible endpoint from the tray. The lpstudio command line needs Node.js 20.19 or later.',
        section: 'devel',
        maintainer: 'Line Protocol Studio maintainers',
        categories: ['Development'],
        // /usr/bin/lpstudio links to the CLI launcher; the desktop entry starts the app itself.
        bin: 'resources/lpstudio',
        desktopTemplate: 'packaging/lpstudio.desktop.ejs',
        recommends: ['nodejs (>= 20.19)'],
        // electron-installer-debian takes a map of hicolor sizes to files (its types say string only).
        icon: Object.fromEntries(ICON_SIZES.map((s) => [`${s}x${s}`, `packaging/icons/${s}x${s}.png`])) as unknown as string,
      },
    }),
    new MakerZIP({}, ['linux']),
  ],
  plugins: [
    new VitePlugin({
      // The main process, the endpoint's host (forked as a utilityProcess), the sandboxed preload
      // (one CommonJS file) and the command line, built into .vite/build/.
      build: [
        { entry: 'electron/main.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'cli/endpoint-host.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'electron/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
        { entry: 'cli/run.ts', config: 'vite.cli.config.ts', target: 'main' },
      ],
      // The renderer: the same Vite config as the browser mode, into .vite/renderer/main_window/.
      renderer: [{ name: 'main_window', config: 'vite.config.ts' }],
    }),
    new FusesPlugin(PRODUCTION_FUSES),
  ],
};

export default config;
