/**
 * Structured JSON logs (pino). The logger is built in main.ts and passed down; there is no
 * module-level logger.
 */
import pino from 'pino';

export type Logger = pino.Logger;

/** Creates the process logger. */
export function createLogger(level: string, name = 'kyso'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}

/** A logger that writes nothing (tests, CLI). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
