import { ConfigError, loadConfig } from '../../../src/server/config';

/** The ConfigError an environment produces (fails the test when it loads fine). */
export function errorFor(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}
