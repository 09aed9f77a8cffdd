// The shape of an operator CLI command, the error that means "wrong arguments" (exit status 2) and how usage reads.

export interface CliCommand {
  /** The word that selects it: `aro <name> ...`. */
  name: string;
  /** Its usage lines, shown by `aro --help` and after a usage error. */
  usage: string;
  /** Runs with the arguments after the command's name; rejects with a UsageError for a wrong command line. */
  run(args: string[]): Promise<void>;
}

/** The command line itself is wrong (unknown option, missing value): the user needs the usage text. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** Usage of the command that refused the arguments; the CLI's whole usage when absent. */
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** "usage: " before the first line and the rest aligned under it. */
export function formatUsage(usage: string): string {
  return `usage: ${usage.split('\n').join('\n       ')}\n`;
}
