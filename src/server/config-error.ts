/** A bad environment variable, named: startup stops with this message (runtime/config-exit.ts). */
export class ConfigError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`Invalid environment variable ${variable}: ${detail}`);
    this.name = 'ConfigError';
  }
}
