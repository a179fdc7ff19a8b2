// Electron Forge packaging (deb and zip) for users' machines. Forge 8's CLI needs Node >= 22.13
// and the Electron binary, so it is not run on the development machines; the desktop issue
// fills in the makers and the Vite plugin entries.
const config = {
  packagerConfig: { name: 'Line Protocol Studio', executableName: 'lpstudio-desktop' },
  makers: [] as unknown[],
  plugins: [] as unknown[],
};

export default config;
