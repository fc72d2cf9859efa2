/**
 * Session ids are bearer credentials for refresh/end, so they must be unguessable: 24 random bytes
 * (192 bits, well above the 122 bits of a v4 UUID) from the OS CSPRNG, base64url so they travel in
 * JSON and URLs unescaped.
 */
import { randomBytes } from 'node:crypto';

const PREFIX = 'sess_';
const RANDOM_BYTES = 24;

/** 24 bytes → exactly 32 base64url characters (no padding). */
const WELL_FORMED = /^sess_[A-Za-z0-9_-]{32}$/;

export function newSessionId(): string {
  return PREFIX + randomBytes(RANDOM_BYTES).toString('base64url');
}

/** Route validation: rejects anything we could not have minted before it reaches a store or a log. */
export function isWellFormedSessionId(value: unknown): value is string {
  return typeof value === 'string' && WELL_FORMED.test(value);
}
