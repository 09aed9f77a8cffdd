// Runs the compiled operator CLI (`aro ...`) as an operator would, with exactly the environment given.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'aro.js');

/** The exit code and everything printed (stdout, then stderr). */
export function runOperatorCli(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...argv], { env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: `${stdout}\n${stderr}` });
    });
  });
}
