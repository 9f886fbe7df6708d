// `vizor` as main.ts runs it (token commands included), with commander's own exits turned
// into exit codes the tests read.
import { CommanderError } from 'commander';
import { buildProgram } from '../../../src/cli/main.js';
import { reportError } from '../../../src/cli/exit.js';

const args = process.argv.slice(2);
const program = buildProgram();
program.commands.find((c) => c.name() === 'token')!.exitOverride();
try {
  await program.parseAsync(args, { from: 'user' });
} catch (err) {
  process.exitCode = err instanceof CommanderError ? (err.exitCode === 0 ? 0 : 2) : reportError(err, args.includes('--json'));
}
