/**
 * Close codes that may cross the relay. A code one side received is forwarded to the other when it can
 * legally be sent (RFC 6455 §7.4): 1004-1006 and 1015 are reserved for reporting and never go on the wire.
 */

/** Codes an endpoint may send: 1000-1003, 1007-1014, and 3000-4999 (registered and private use). */
export function isSendableCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

/** The code to pass on: 1005 (closed without a code) → 1000; abnormal or unsendable → 1011 (unexpected condition). */
export function forwardedCloseCode(received: number): number {
  if (received === 1005) return 1000;
  return isSendableCloseCode(received) ? received : 1011;
}

/** A close reason must fit the 123 bytes a close frame leaves for it. */
export function closeReason(reason: Buffer | string): string {
  const buf = typeof reason === 'string' ? Buffer.from(reason) : reason;
  if (buf.length <= 123) return buf.toString('utf8');
  // Cut on a character boundary: drop a trailing partial UTF-8 sequence.
  let end = 123;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}
