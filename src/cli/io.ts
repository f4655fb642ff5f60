/** Where a CLI command writes; injected so commands are testable in-process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** The process's own streams and environment (used only by bin/kyso.js through main). */
export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** A command: parses its own arguments; returns the exit status. */
export type Command = (args: string[], io: CliIo) => Promise<number>;
