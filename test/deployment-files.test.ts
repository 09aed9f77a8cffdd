// The deployment files, checked as far as a machine without Docker images can: the compose file
// against the Compose specification's schema, its ARO settings against the ones ARO reads, its
// Temporal version and dynamic config against the cluster ARO is tested on; the Dockerfile's image
// against what must not be in it (tests, benchmarks, dev scripts, toolchain) and the user it runs as.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import ts from 'typescript';
import { parse } from 'yaml';
import { SETTING_NAMES } from '../src/config';
import { composeSpecSchema } from './support/compose-schema';

const ROOT = join(__dirname, '..', '..');
const TEMPORAL_SERVER_VERSION = '1.32.1';

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, unknown>;
  command?: string[];
}

describe('deployment files', function () {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.temporal.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
    configs: Record<string, { content: string }>;
  };
  const aroServices = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

  it('has a compose file valid under the Compose specification', async function () {
    this.timeout(5 * 60_000);
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(await composeSpecSchema());
    // As Compose reads it: YAML merge keys (`<<: *aro-env`) applied, then checked against the schema.
    assert.ok(validate(compose), JSON.stringify(validate.errors, null, 1));
  });

  it("gives ARO's processes only settings ARO reads, the required keys among them", function () {
    assert.deepEqual(aroServices.map(([name]) => name).sort(), ['aro-api', 'aro-migrate', 'aro-worker-0', 'aro-worker-1']);
    for (const [name, service] of aroServices) {
      const unknown = Object.keys(service.environment ?? {}).filter((setting) => !SETTING_NAMES.includes(setting));
      assert.deepEqual(unknown, [], `${name} sets variables src/config.ts does not read`);
    }
    const api = compose.services['aro-api'].environment!;
    for (const required of ['ARO_OPERATOR_KEY', 'ARO_SECRETS_KEY', 'ARO_PAYLOAD_KEYS']) {
      assert.match(String(api[required]), new RegExp(`^\\$\\{${required}:\\?`), `${required} must be given, with no default`);
    }
  });

  it('shards the dedicated tenant queues across its two workers, with one pool count everywhere', function () {
    const workers = aroServices.filter(([name]) => name.startsWith('aro-worker-')).map(([, service]) => service.environment!);
    assert.deepEqual(workers.map((env) => [env.ARO_TENANT_SHARDS, env.ARO_TENANT_SHARD]), [
      [2, 0],
      [2, 1],
    ]);
    const pools = new Set(aroServices.map(([, service]) => service.environment?.ARO_TENANT_POOLS));
    assert.equal(pools.size, 1, 'the API and every worker route with the same ARO_TENANT_POOLS');
  });

  it(`runs Temporal ${TEMPORAL_SERVER_VERSION} with fairness on, as the cluster ARO is tested on`, function () {
    const temporalImages = Object.values(compose.services)
      .map((service) => service.image ?? '')
      .filter((image) => /^temporalio\/(server|admin-tools):/.test(image));
    assert.equal(temporalImages.length, 3);
    for (const image of temporalImages) assert.ok(image.endsWith(`:${TEMPORAL_SERVER_VERSION}`), image);
    const dynamicConfig = parse(compose.configs['temporal-dynamic-config'].content) as Record<string, { value: unknown }[]>;
    assert.deepEqual(dynamicConfig['matching.enableFairness'], [{ value: true, constraints: {} }]);
  });

  it('builds the image from a TypeScript config without tests, benchmarks, scripts or the dev toolchain', function () {
    this.timeout(5 * 60_000);
    const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.build.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
    // What tsc would compile, imports followed: a source that imports a test would pull it in.
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: { ...parsed.options, noEmit: true } });
    const compiled = program
      .getSourceFiles()
      .map((file) => file.fileName)
      .filter((file) => !file.includes('/node_modules/'))
      .map((file) => file.slice(ROOT.length + 1));
    assert.ok(compiled.includes('worker.ts') && compiled.includes('src/api/main.ts') && compiled.includes('src/db/migrate.ts'));
    // free-port.ts is the one toolchain file the running code needs (the SDK metrics' loopback port).
    const unwanted = compiled.filter((file) => /^(test|bench|scripts|src\/toolchain)\//.test(file) && file !== 'src/toolchain/free-port.ts');
    assert.deepEqual(unwanted, []);
  });

  it("has a Dockerfile whose final image is Node 24, runs as a non-root user and copies nothing but what runs", function () {
    const lines = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
      .replace(/\\\n/g, ' ')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    const stages = lines.filter((line) => line.startsWith('FROM '));
    assert.ok(stages.length >= 2, 'multi-stage');
    const finalStage = lines.slice(lines.lastIndexOf(stages[stages.length - 1]));
    assert.match(stages[stages.length - 1], /^FROM node:24[-.\w]*$/);
    const user = finalStage.filter((line) => line.startsWith('USER ')).pop();
    assert.ok(user && !/^USER (root|0)\b/.test(user), `the image runs as ${user ?? 'root'}`);
    const shipped = new Set(['/app/package.json', '/app/package-lock.json', '/app/node_modules', '/app/dist', '/app/prisma/migrations']);
    for (const copy of finalStage.filter((line) => line.startsWith('COPY '))) {
      assert.match(copy, /--from=build/, `${copy}: the final stage copies only built output`);
      const sources = copy.split(/\s+/).slice(1, -1).filter((word) => !word.startsWith('--'));
      for (const source of sources) assert.ok(shipped.has(source), `${copy}: ${source} is not part of what runs`);
    }
    // Compiled from tsconfig.build.json in the build stage, so dist/ holds no test or benchmark.
    assert.ok(lines.some((line) => line.includes('tsc -p tsconfig.build.json')));
  });
});
