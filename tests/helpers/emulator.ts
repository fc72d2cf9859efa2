/** The project's OpenAI emulator, started in-process on a free port for a test file. */
// Plain ESM JavaScript with JSDoc types.
import { startEmulator } from '../../emulator/server.mjs';

export interface Emulator {
  url: string;
  /** Base URL to give the app as OPENAI_BASE_URL. */
  baseUrl: string;
  setFaults(faults: unknown): void;
  resetFaults(): void;
  reset(): void;
  setRealtimeScript?(script: unknown): void;
  setRealtimeConfig?(config: unknown): void;
  realtimeSessions?(): Array<Record<string, unknown>>;
  /** Chat/speech pacing and engine (see emulator/README.md "## Fallback routes"). */
  setFallbackConfig(config: { chatChunkMs?: number; speechChunkMs?: number; speechEngine?: string } | null): void;
  /** Texts `/v1/audio/transcriptions` serves, in order, per API key. */
  setTranscripts(transcripts: string[] | { transcripts?: string[]; default?: string } | null): void;
  stats(): {
    counts: Record<string, number>;
    lastRequest: Record<string, { body: any; headers: Record<string, unknown>; status?: number }>;
    history: Array<{ route: string; body: any; status?: number }>;
  };
  close(): Promise<void>;
}

export const REALTIME_KEY = 'sk-test-realtime';
export const STANDARD_KEY = 'sk-test-standard';

export async function startTestEmulator(options: Record<string, unknown> = {}): Promise<Emulator> {
  const emu = await startEmulator({ port: 0, ...options });
  return { ...emu, baseUrl: `${emu.url}/v1` } as Emulator;
}

export const calls = (emu: Emulator, route: string) => emu.stats().counts[route] ?? 0;
