/**
 * A bad configuration stops the process with one plain line naming the variable (or, for a scenario file, the
 * file and field), never a stack trace.
 */
import { ScenarioCatalogueError } from '../coach/scenario-catalogue';
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
    if (error instanceof ScenarioCatalogueError) {
      process.stderr.write(`Content error: ${error.message}\nFix the file (schema: src/content/scenario-schema.ts) or point SCENARIOS_DIR elsewhere.\n`);
      process.exit(1);
    }
    throw error;
  }
}
