import { InvalidArgumentError } from 'commander';

/** Argument parsers shared by commands; each throws a message commander prints as a usage error (exit 2). */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('expected a whole number from 0 to 65535 (0 picks a free port)');
  }
  return port;
}
