#!/usr/bin/env node
// Brings a clone up to date before any npm script runs: dependencies, Prisma client, build, toolchain.
// Plain JavaScript on purpose: it must run before anything is installed or compiled.
// Usage: node scripts/bootstrap.js [--quiet] [--build-only] [--cluster]
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const quiet = process.argv.includes('--quiet');
const buildOnly = process.argv.includes('--build-only');
// Also provide the real Temporal server and Web UI (`npm run cluster`), which take minutes to build.
const cluster = process.argv.includes('--cluster');
const distDir = path.join(root, 'dist');
const webDir = path.join(root, 'web');
const webDist = path.join(distDir, 'web');
const CHROMIUM = '/usr/bin/chromium';

function say(message) {
  if (!quiet) process.stderr.write(`bootstrap: ${message}\n`);
}

/** Modification time in ms, or null when the file does not exist. */
function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

function run(step, command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.error) fail(`${step}: could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) fail(`${step} failed (${result.signal ?? `exit status ${result.status}`})`);
}

function fail(message) {
  process.stderr.write(`bootstrap: ${message}\n`);
  process.exit(1);
}

function installDependencies() {
  // npm writes node_modules/.package-lock.json on every install: older than the lockfile means stale.
  const installed = mtime(path.join(root, 'node_modules', '.package-lock.json'));
  const locked = mtime(path.join(root, 'package-lock.json'));
  if (installed !== null && locked !== null && installed >= locked) return;
  // Not `npm ci`: the registry reachable here lacks some optional platform builds (e.g. swc's
  // darwin packages), so the lockfile cannot list them and `npm ci` refuses it as out of sync.
  // `npm install` still installs exactly the locked versions.
  process.stderr.write('bootstrap: installing dependencies (npm install from the lockfile)\n');
  run('npm install', process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install', '--no-audit', '--no-fund']);
}

function generatePrismaClient() {
  const generated = mtime(path.join(root, 'src', 'generated', 'prisma', 'client.ts'));
  const sources = ['prisma/schema.prisma', 'prisma.config.ts'].map((f) => mtime(path.join(root, f)) ?? 0);
  if (generated !== null && generated >= Math.max(...sources)) return;
  process.stderr.write('bootstrap: generating the Prisma client\n');
  // `generate` only checks that a schema engine file exists (the real one cannot be downloaded
  // here); any executable satisfies it.
  const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath };
  run('prisma generate', process.execPath, [path.join(root, 'node_modules', 'prisma', 'build', 'index.js'), 'generate'], env);
}

/** Removes compiled files whose source is gone, so mocha never runs a deleted or renamed test. */
function pruneOrphans(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (full === webDist) continue; // the web app's bundle has no .ts beside it
    if (entry.isDirectory()) {
      pruneOrphans(full);
      continue;
    }
    const compiled = entry.name.match(/^(.*)\.js(\.map)?$/);
    if (compiled === null) continue;
    const source = path.join(root, path.relative(distDir, dir), `${compiled[1]}.ts`);
    if (!fs.existsSync(source)) fs.rmSync(full);
  }
}

function build() {
  pruneOrphans(distDir);
  say('compiling TypeScript into dist/');
  run('tsc', process.execPath, [
    path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p', root,
    // Skips unchanged files, so an up-to-date tree builds in a few seconds.
    '--incremental', '--tsBuildInfoFile', path.join(distDir, '.tsbuildinfo'),
  ]);
}

/** Newest modification time of a file or of any file under a directory (0 when absent). */
function newest(file) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(file).reduce((max, name) => Math.max(max, newest(path.join(file, name))), stat.mtimeMs);
}

/**
 * The clinic web app (web/): typed operations generated from the committed GraphQL schema, type-checked
 * against them (so a schema change that breaks the app fails here), bundled into dist/web for the API
 * to serve. Skipped when nothing it is built from changed since the last bundle.
 */
function buildWebApp() {
  const schema = path.join(root, 'src', 'api', 'graphql', 'schema.gql');
  const sources = [
    ...fs.readdirSync(path.join(webDir, 'src')).filter((name) => name !== 'gql').map((name) => path.join(webDir, 'src', name)),
    ...['index.html', 'vite.config.mts', 'tsconfig.json', 'codegen.ts'].map((name) => path.join(webDir, name)),
    schema,
    path.join(root, 'package-lock.json'),
  ];
  // The bundle is written last, after codegen and the type check passed: older than a source means stale.
  const built = mtime(path.join(webDist, 'index.html'));
  if (built !== null && built >= Math.max(...sources.map(newest))) return;
  say('building the web app into dist/web');
  const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);
  const inWeb = (step, args) => {
    const result = spawnSync(process.execPath, args, { cwd: webDir, stdio: 'inherit' });
    if (result.error) fail(`${step}: ${result.error.message}`);
    if (result.status !== 0) fail(`${step} failed: the web app does not build (see above)`);
  };
  inWeb('GraphQL codegen', [bin('@graphql-codegen/cli', 'esm/bin.js'), '--config', 'codegen.ts', '--errors-only']);
  inWeb('web type check', [bin('typescript', 'bin/tsc'), '-p', '.', '--incremental', '--tsBuildInfoFile', path.join(distDir, '.web.tsbuildinfo')]);
  inWeb('vite build', [bin('vite', 'bin/vite.js'), 'build', '--config', 'vite.config.mts', ...(quiet ? ['--logLevel', 'warn'] : [])]);
}

/** The browser tests drive the system Chromium; say how to get it rather than fail later. */
function checkChromium() {
  if (fs.existsSync(CHROMIUM)) return;
  process.stderr.write(
    `bootstrap: ${CHROMIUM} is missing: the web app's browser tests (test/web-app.test.ts) need it. Install it with: apt-get install chromium\n`,
  );
}

installDependencies();
generatePrismaClient();
build();
buildWebApp();
if (!buildOnly) {
  checkChromium();
  run('toolchain setup', process.execPath, [
    path.join(distDir, 'scripts', 'setup.js'),
    ...(quiet ? ['--quiet'] : []),
    ...(cluster ? ['--cluster'] : []),
  ]);
}
