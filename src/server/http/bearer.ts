/**
 * Bearer credentials: reading the token of an `Authorization: Bearer <token>` header (session tokens),
 * and checking it against a configured secret in constant time (METRICS_TOKEN, ADMIN_TOKEN).
 */
import { timingSafeEqual } from 'node:crypto';

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | null): string | undefined {
  const token = header?.match(/^Bearer[ \t]+(\S+)[ \t]*$/i)?.[1];
  return token || undefined;
}

/**
 * Whether the header carries exactly `expected`, compared in constant time. The credential is everything
 * after `Bearer ` (surrounding whitespace trimmed): a configured secret may itself contain spaces.
 */
export function bearerMatches(header: string | null, expected: string): boolean {
  const given = Buffer.from(header?.match(/^Bearer\s+(.+?)\s*$/i)?.[1] ?? '');
  const want = Buffer.from(expected);
  return given.length === want.length && timingSafeEqual(given, want);
}
