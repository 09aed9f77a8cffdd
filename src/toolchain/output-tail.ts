// Keeps a child process's last output lines for the error message when it fails (and its pipes drained).
import type { ChildProcess } from 'node:child_process';

/** The array fills as the child writes, holding its last `lines` lines of stdout and stderr. */
export function collectTail(child: ChildProcess, lines = 40): string[] {
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      tail.push(...chunk.split('\n').filter((line) => line.length > 0));
      tail.splice(0, Math.max(0, tail.length - lines));
    });
  }
  return tail;
}
