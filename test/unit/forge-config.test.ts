// The packaging configuration Forge loads (forge.config.ts): the production fuses, what the app
// keeps, the deb's desktop integration. The packaging integration test runs it for real; this
// pins the settings a production build must have.
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import config, { keepInApp, PRODUCTION_FUSES } from '../../forge.config.js';
import { repoRoot } from '../support/shared.js';

describe('forge.config.ts', () => {
  it('flips the production fuses through the fuses plugin', () => {
    const fuses = config.plugins?.filter((p) => p instanceof FusesPlugin) as FusesPlugin[];
    expect(fuses).toHaveLength(1);
    expect(fuses[0].fusesConfig).toBe(PRODUCTION_FUSES);
    expect(PRODUCTION_FUSES).toEqual({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    });
  });

  it('keeps only Vite’s output, the tray icons and package.json in the app', () => {
    for (const kept of ['', '/package.json', '/.vite', '/.vite/build/main.js', '/.vite/renderer/main_window/index.html', '/electron', '/electron/icons', '/electron/icons/tray-running.png']) {
      expect(keepInApp(kept), kept).toBe(true);
    }
    for (const dropped of ['/node_modules', '/node_modules/react/index.js', '/electron/main.ts', '/electron/iconsx', '/.vitest', '/src', '/test/unit/forge-config.test.ts', '/dist/cli/main.js', '/dist/cli/main.js.map', '/forge.config.ts', '/packaging/icons/16x16.png']) {
      expect(keepInApp(dropped), dropped).toBe(false);
    }
  });

  it('packages with an asar and makes a deb for lpstudio and a Linux zip', () => {
    expect(config.packagerConfig?.asar).toEqual({ unpack: '**/.vite/build/lpstudio-cli.mjs' });
    expect(config.packagerConfig?.executableName).toBe('lpstudio-desktop');
    const makers = (config.makers ?? []) as unknown as { name: string; configOrConfigFetcher: { options?: Record<string, unknown> }; platformsToMakeOn?: string[] }[];
    expect(makers.map((m) => m.name)).toEqual(['deb', 'zip']);
    expect(makers[0].configOrConfigFetcher.options).toMatchObject({ name: 'lpstudio', bin: 'resources/lpstudio', categories: ['Development'], section: 'devel' });
    expect(makers[1].platformsToMakeOn).toEqual(['linux']);
  });

  it('npm run package and npm run make go through scripts/forge.js (the Electron zip check), and Electron starts the Vite main bundle', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };
    expect(pkg.scripts.package).toBe('node scripts/forge.js package');
    expect(pkg.scripts.make).toBe('node scripts/forge.js make');
    expect(pkg.main).toBe('.vite/build/main.js');
  });
});
