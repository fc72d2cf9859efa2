/** A bad configuration stops the process with one plain line naming the variable, never a stack trace. */
import { ConfigError } from '../config';

export function exitWithConfigError(message: string): never {
  process.stderr.write(`Configuration error: ${message}\nSee .env.example for every variable.\n`);
  process.exit(1);
}

export function exitOnConfigError<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof ConfigError) exitWithConfigError(error.message);
    throw error;
  }
}
