// Keeps a child process's first and last output lines for the error message when it fails (and its
// pipes drained): the first say why a program stopped at start-up (a Go panic's message comes before
// its goroutine dump), the last what it did most recently.
import type { ChildProcess } from 'node:child_process';

/** Lines kept from the start of the output. */
const HEAD_LINES = 10;

/**
 * The array fills as the child writes: its first HEAD_LINES lines of stdout and stderr, then (once
 * more came) a marker and the last `lines` lines.
 */
export function collectTail(child: ChildProcess, lines = 40): string[] {
  const kept: string[] = [];
  let seen = 0;
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter((l) => l.length > 0)) {
        seen += 1;
        if (seen <= HEAD_LINES) {
          kept.push(line);
          continue;
        }
        if (seen === HEAD_LINES + 1) kept.push('…');
        kept.push(line);
        // Beyond the head and the marker, only the last `lines` lines.
        kept.splice(HEAD_LINES + 1, Math.max(0, kept.length - HEAD_LINES - 1 - lines));
      }
    });
  }
  return kept;
}
