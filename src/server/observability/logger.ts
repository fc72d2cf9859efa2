/**
 * Structured JSON logs (pino). Secrets never reach a log line: known secret-bearing paths are
 * redacted, and `maskSecrets` scrubs free text (error messages from upstream can echo keys).
 */
import pino, { type Logger } from 'pino';

export type { Logger };

const REDACT_PATHS = [
  'token',
  'apiKey',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'secret',
  'sessionSecret',
  'value',
  'client_secret',
  '*.token',
  '*.apiKey',
  '*.authorization',
  '*.secret',
];

const SECRET_PATTERNS: RegExp[] = [
  /\b(sk|ek|rk)[-_][A-Za-z0-9_-]{4,}/g, // OpenAI keys and ephemeral secrets
  /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, // JWTs (our fallback/demo tokens)
  /\bBearer\s+[^\s"']+/gi,
];

/** Replaces anything that looks like a key or token in free text. */
export function maskSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((acc, re) => acc.replace(re, '[redacted]'), text);
}

/** A session id is a bearer credential for refresh/end: logs carry only a short prefix. */
export function shortId(id: string | undefined): string | undefined {
  return id ? `${id.slice(0, 8)}…` : undefined;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'voice-agent', pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
