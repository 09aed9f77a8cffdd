// Where the operator CLI finds its database: DATABASE_URL, or else the one a running `npm run dev` uses.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The clone's root: the directory holding prisma/schema.prisma, whether we run from src/ or dist/src/. */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'prisma', 'schema.prisma'))) return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the repository root (with prisma/schema.prisma) above ${__dirname}`);
  }
}

/** `npm run dev` writes this file (in ARO_DEV_DATA_DIR, default .data) with the URL of the embedded PostgreSQL it started. */
function devStateFile(env: NodeJS.ProcessEnv): string {
  return join(env.ARO_DEV_DATA_DIR ? resolve(env.ARO_DEV_DATA_DIR) : join(repoRoot(), '.data'), 'dev.json');
}

export function resolveDatabaseUrl(env: NodeJS.ProcessEnv = process.env, stateFile = devStateFile(env)): string {
  const fromEnv = env.DATABASE_URL;
  if (fromEnv !== undefined && fromEnv.length > 0) return fromEnv;
  if (!existsSync(stateFile)) {
    throw new Error(
      `no database to use: set DATABASE_URL, or start \`npm run dev\` (which writes ${stateFile} with the URL of its database)`,
    );
  }
  let state: unknown;
  try {
    state = JSON.parse(readFileSync(stateFile, 'utf8'));
  } catch (err) {
    throw new Error(`${stateFile} is not valid JSON (${(err as Error).message}); restart \`npm run dev\` or set DATABASE_URL`);
  }
  const databaseUrl = (state as { databaseUrl?: unknown } | null)?.databaseUrl;
  if (typeof databaseUrl !== 'string' || databaseUrl.length === 0) {
    throw new Error(`${stateFile} has no "databaseUrl" string; restart \`npm run dev\` or set DATABASE_URL`);
  }
  return databaseUrl;
}
