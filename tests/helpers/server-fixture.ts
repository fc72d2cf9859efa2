/**
 * Per-file lifecycle for integration tests: one OpenAI emulator for the file, built servers started on
 * demand and stopped after each test (the emulator's counters and faults are reset too).
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startAppServer, type AppServer } from './app-server';
import { startTestEmulator, type Emulator } from './emulator';

/** Limits loose enough that tests about something else never hit them. */
export const LOOSE_LIMITS = { RATE_LIMIT_PER_IP_PER_MINUTE: '1000', MAX_SESSIONS_PER_IP: '1000' };

export function useServersWithEmulator(defaults: (emu: Emulator) => Record<string, string> = () => LOOSE_LIMITS) {
  const servers: AppServer[] = [];
  const fixture = {
    emu: undefined as unknown as Emulator,
    async server(env: Record<string, string> = {}): Promise<AppServer> {
      const s = await startAppServer({ ...defaults(fixture.emu), ...env });
      servers.push(s);
      return s;
    },
  };
  beforeAll(async () => {
    fixture.emu = await startTestEmulator();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    fixture.emu.reset();
  });
  afterAll(async () => {
    await fixture.emu.close();
  });
  return fixture;
}
