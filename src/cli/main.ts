/**
 * The kyso command: `kyso <command> [options]`. Each command lives in src/cli/commands and calls
 * the same use cases as the API. Errors print one line and exit non-zero.
 */
import { isAppError } from '../errors';
import { processIo, type CliIo, type Command } from './io';

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: { summary: 'run the service (roles from ROLE: api, worker or all)', load: async () => (require('./commands/serve') as typeof import('./commands/serve')).run },
  worker: { summary: 'run only the exchange delivery worker', load: async () => (require('./commands/serve') as typeof import('./commands/serve')).runWorker },
  sign: { summary: 'sign a PDF: kyso sign IN.pdf -o OUT.pdf --key FILE.p12 [options]', load: async () => (require('./commands/sign') as typeof import('./commands/sign')).run },
  verify: { summary: 'verify a signed PDF: kyso verify FILE.pdf [--json] [--trust DIR] [--at ISO] [--offline]', load: async () => (require('./commands/verify') as typeof import('./commands/verify')).run },
  'dev-certs': { summary: 'generate the development PKI into certs-dev/', load: async () => (require('./commands/dev-certs') as typeof import('./commands/dev-certs')).run },
  receipt: { summary: 'issue, show and report e-receipts', load: async () => (require('./commands/receipt') as typeof import('./commands/receipt')).run },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: kyso <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

/** Runs the CLI; returns the exit status (3 for usage errors and unreadable input). */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : 3;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`kyso: unknown command '${name}'\n${usage()}`);
    return 3;
  }
  try {
    const run = await command.load();
    return await run(rest, io);
  } catch (e) {
    const message = isAppError(e) ? `${e.code}: ${e.message}` : `INTERNAL: ${(e as Error)?.message ?? String(e)}`;
    io.stderr(`kyso ${name}: ${message.split('\n').join(' ')}\n`);
    return isAppError(e) && (e.code === 'BAD_REQUEST' || e.code === 'VERIFY_UNREADABLE' || e.code.startsWith('PDF_')) ? 3 : 1;
  }
}
