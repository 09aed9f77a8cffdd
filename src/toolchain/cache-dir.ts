// Where ARO keeps the tools it builds: a per-user cache outside the clone, so fresh clones (CI) reuse it.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `${XDG_CACHE_HOME:-~/.cache}/aro`, following the XDG base-directory convention. */
export function aroCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.length > 0 ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'aro');
}
