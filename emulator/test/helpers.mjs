// Shared test helpers: start an emulator on a random port and build official clients.
import OpenAI from 'openai';
import { startEmulator } from '../server.mjs';

export const REALTIME_KEY = 'sk-test-realtime';
export const STANDARD_KEY = 'sk-test-standard';

/** @param {import('../server.mjs').EmulatorOptions} [options] */
export const start = (options = {}) => startEmulator({ port: 0, ...options });

/**
 * @param {{ url: string }} emu
 * @param {{ apiKey?: string, maxRetries?: number, timeout?: number }} [o]
 */
export function client(emu, o = {}) {
  return new OpenAI({ apiKey: o.apiKey ?? REALTIME_KEY, baseURL: `${emu.url}/v1`, maxRetries: o.maxRetries ?? 0, timeout: o.timeout });
}

/** Capture the rejection of a promise (fails if it resolves). @param {Promise<unknown>} p */
export async function rejectionOf(p) {
  try {
    await p;
  } catch (e) {
    return /** @type {any} */ (e);
  }
  throw new Error('expected the promise to reject');
}

/** Raw fetch against the emulator. @param {{url: string}} emu @param {string} path @param {RequestInit} [init] */
export async function raw(emu, path, init = {}) {
  const res = await fetch(`${emu.url}${path}`, init);
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { res, status: res.status, text, json };
}

/** Assert the exact OpenAI error envelope shape. @param {any} body */
export function expectEnvelope(expect, body) {
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof body.error.message).toBe('string');
}
