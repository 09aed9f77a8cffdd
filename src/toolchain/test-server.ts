// Provides Temporal's time-skipping test server (Java) as an executable for @temporalio/testing.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { aroCacheDir } from './cache-dir';
import { findOnPath, isExecutableFile, runCommand } from './commands';

/** Release of io.temporal:temporal-test-server on Maven Central (shipped with the Java SDK). */
export const TEST_SERVER_VERSION = '1.38.0';
// Pinned because Maven 3.8's default binding of the `dependency:` prefix is the 2013-era 2.8.
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const MAIN_CLASS = 'io.temporal.testserver.TestServer';
// The slf4j-api line the test server depends on; a binding from another line would not be picked up.
const SLF4J_VERSION = '1.7.36';

export function testServerDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(aroCacheDir(env), 'test-server', TEST_SERVER_VERSION);
}

function pomXml(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by ARO's toolchain: only lists the test server so Maven can copy it and its dependencies. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>aro.toolchain</groupId>
  <artifactId>temporal-test-server-runtime</artifactId>
  <version>${TEST_SERVER_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
    <!-- Silences SLF4J's "no binding" warning, which the server would print on every start. -->
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-nop</artifactId>
      <version>${SLF4J_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;
}

// `exec` matters: the SDK stops the server by killing the process it spawned, which must be the
// JVM itself and not a shell that would leave the JVM running.
function wrapperScript(libDir: string): string {
  return `#!/bin/sh
# Temporal time-skipping test server ${TEST_SERVER_VERSION}; arguments: <port> [--enable-time-skipping]
exec "\${JAVA_HOME:+\$JAVA_HOME/bin/}java" -cp '${libDir}/*' ${MAIN_CLASS} "$@"
`;
}

/**
 * Returns the path of an executable that starts the test server ($ARO_TEST_SERVER_PATH, or a
 * wrapper in the cache, fetching the jars with Maven the first time). The wrapper is written
 * last, so its presence means the download completed.
 */
export async function ensureTestServer(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const configured = env.ARO_TEST_SERVER_PATH;
  if (configured !== undefined && configured.length > 0) {
    if (!isExecutableFile(configured)) {
      throw new Error(`ARO_TEST_SERVER_PATH is set to ${configured}, which is not an executable file`);
    }
    return configured;
  }
  const dir = testServerDir(env);
  const wrapper = join(dir, 'temporal-test-server');
  if (isExecutableFile(wrapper)) return wrapper;

  const mvn = findOnPath('mvn', env);
  if (mvn === null) {
    throw new Error(`no Temporal test server at ${wrapper} and no \`mvn\` on PATH to fetch it; install Maven or set ARO_TEST_SERVER_PATH`);
  }
  if (findOnPath('java', env) === null && !env.JAVA_HOME) {
    throw new Error('the Temporal test server needs Java 17 or newer: put `java` on PATH or set JAVA_HOME');
  }
  process.stderr.write(`Fetching the Temporal test server ${TEST_SERVER_VERSION} from Maven Central into ${dir}.\n`);
  const libDir = join(dir, 'lib');
  // A half-finished earlier attempt may have left jars of other versions behind.
  await rm(libDir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'pom.xml'), pomXml());
  await runCommand(
    mvn,
    ['-q', '-B', '-f', join(dir, 'pom.xml'), `${DEPENDENCY_PLUGIN}:copy-dependencies`, `-DoutputDirectory=${libDir}`, '-DincludeScope=runtime'],
    { cwd: dir, env },
  );
  const partial = `${wrapper}.partial`;
  await writeFile(partial, wrapperScript(libDir), { mode: 0o755 });
  await rename(partial, wrapper);
  return wrapper;
}
