// ID generators with the prefixes OpenAI uses (§11 of the protocol brief).
import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random alphanumeric string of length n. @param {number} n */
export function alnum(n) {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += ALNUM[bytes[i] % ALNUM.length];
  return out;
}

/** Random lowercase hex string of length n. @param {number} n */
export function hex(n) {
  return randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n);
}

export const requestId = () => `req_${hex(32)}`;
export const ephemeralKey = () => `ek_${alnum(32)}`;
export const sessionId = () => `sess_${alnum(24)}`;
// Responses API ids (resp_/ws_/msg_ + 48 hex, as in the spec examples).
export const responseId = () => `resp_${hex(48)}`;
export const webSearchCallId = () => `ws_${hex(48)}`;
export const messageId = () => `msg_${hex(48)}`;
