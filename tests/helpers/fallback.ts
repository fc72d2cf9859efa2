/**
 * Pieces for the fallback-mode integration tests: sessions of each mode, the three endpoints called the
 * way the browser calls them, WAV files built in memory, and a standard SSE parser over a fetch body.
 */
import { createParser } from 'eventsource-parser';
import type { AppServer } from './app-server';
import { pcmWav } from './speech-wav';

export const TEST_SESSION_SECRET = 'fallback-tests-secret-0123456789abcdef';

export interface IssuedToken {
  token: string;
  sessionId: string;
  mode: string;
  expiresAt: number;
}

export async function issueToken(server: AppServer): Promise<IssuedToken> {
  const res = await server.fetch('/api/voice-agent/token', { method: 'POST' });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as IssuedToken;
}

const bearer = (token: string | undefined): Record<string, string> => (token === undefined ? {} : { Authorization: `Bearer ${token}` });

export function postChat(server: AppServer, token: string | undefined, body: unknown, init: RequestInit = {}) {
  return server.fetch('/api/voice-agent/chat', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...bearer(token) },
    body: JSON.stringify(body),
    ...init,
  });
}

export function postSpeech(server: AppServer, token: string | undefined, body: unknown) {
  return server.fetch('/api/voice-agent/speech', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...bearer(token) },
    body: JSON.stringify(body),
  });
}

export function postAudio(
  server: AppServer,
  token: string | undefined,
  audio: Uint8Array,
  { type = 'audio/wav', filename = 'turn.wav', language }: { type?: string; filename?: string; language?: string } = {},
) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(audio)], { type }), filename);
  if (language !== undefined) form.append('language', language);
  return server.fetch('/api/voice-agent/transcribe', { method: 'POST', headers: bearer(token), body: form });
}

/** A 16-bit mono PCM WAV: a 440 Hz tone (loud enough not to count as silence) or digital silence. */
export function wav(seconds: number, { rate = 16_000, silent = false }: { rate?: number; silent?: boolean } = {}): Buffer {
  const samples = new Int16Array(Math.round(seconds * rate));
  if (!silent) for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate));
  return pcmWav(samples, rate);
}

export interface SseMessage {
  event: string;
  data: any;
}

/** Every event of an SSE response (comments are counted separately), parsed by a standard SSE parser. */
export async function readSse(res: Response): Promise<{ events: SseMessage[]; comments: string[] }> {
  const events: SseMessage[] = [];
  const comments: string[] = [];
  const parser = createParser({
    onEvent: (e) => events.push({ event: e.event ?? 'message', data: JSON.parse(e.data) }),
    onComment: (c) => comments.push(c),
  });
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
  return { events, comments };
}

export async function expectError(res: Response, status: number, code: string): Promise<Record<string, any>> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status} ${code}, got ${res.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text);
  if (body?.success !== false || body?.error?.code !== code || typeof body.error.message !== 'string') {
    throw new Error(`expected error code ${code}, got ${text.slice(0, 300)}`);
  }
  return body;
}

/** Reads the value of one Prometheus sample (0 when absent). */
export async function metricValue(server: AppServer, pattern: RegExp): Promise<number> {
  const text = await (await server.fetch('/metrics')).text();
  const match = text.match(pattern);
  return match ? Number(match[1]) : 0;
}
