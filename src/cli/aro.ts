// The operator CLI (`npm run -s aro -- <command> ...`): runs the command named first and maps failures to exit statuses.
// Exit status 2 means the command line was wrong (the usage is printed), 1 that the command failed.
import { formatUsage, UsageError, type CliCommand } from './command';
import { classifyCommand } from './commands/classify';
import { llmCommand } from './commands/llm';
import { secretsCommand } from './commands/secrets';
import { tenantCommand } from './commands/tenant';

/** Every command; a new one is a file under commands/ and a line here. */
const COMMANDS: readonly CliCommand[] = [tenantCommand, secretsCommand, classifyCommand, llmCommand];

const USAGE = COMMANDS.map((c) => c.usage).join('\n');

async function main([name, ...args]: string[]): Promise<void> {
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(formatUsage(USAGE));
    return;
  }
  if (name === undefined) throw new UsageError('no command given');
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) throw new UsageError(`unknown command "${name}"`);
  await command.run(args);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`aro: ${err.message}\n${formatUsage(err.usage ?? USAGE)}`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`aro: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
