import { describe, expect, it } from 'vitest';
import { isWellFormedSessionId, newSessionId } from '../../../src/server/sessions/session-id';

describe('session ids', () => {
  it('are sess_ + 32 base64url characters (192 random bits)', () => {
    const id = newSessionId();
    expect(id).toMatch(/^sess_[A-Za-z0-9_-]{32}$/);
    expect(Buffer.from(id.slice(5), 'base64url')).toHaveLength(24);
    expect(isWellFormedSessionId(id)).toBe(true);
  });

  it('do not repeat', () => {
    const ids = new Set(Array.from({ length: 2_000 }, () => newSessionId()));
    expect(ids.size).toBe(2_000);
  });

  it('validation rejects anything we could not have minted', () => {
    const good = newSessionId();
    for (const bad of [
      '',
      'sess_',
      good.slice(0, -1),
      `${good}A`,
      good.replace('sess_', 'SESS_'),
      `${good.slice(0, -1)}=`,
      `${good.slice(0, -1)}+`,
      ` ${good}`,
      `${good}\n`,
      '00000000-0000-4000-8000-000000000000',
      undefined,
      42,
      null,
    ]) {
      expect(isWellFormedSessionId(bad), String(bad)).toBe(false);
    }
  });
});
