// Where the endpoint keeps its data unless --data says otherwise.
import os from 'node:os';
import path from 'node:path';

export function defaultDataDir(): string {
  if (process.env.LPSTUDIO_DATA) return process.env.LPSTUDIO_DATA;
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'lpstudio', 'endpoint');
}
