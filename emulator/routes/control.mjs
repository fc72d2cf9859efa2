// Test-control API under /__emulator (no auth, not part of the OpenAI surface).
//   GET    /__emulator/health  → { ok: true }
//   GET    /__emulator/stats   → stats snapshot
//   GET    /__emulator/faults  → { faults }
//   POST   /__emulator/faults  → body: fault | fault[] | { faults, append? }; ?append=1 appends
//   DELETE /__emulator/faults  → clears faults
//   POST   /__emulator/reset   → clears counts, secrets and faults (and restores the realtime script/config)
//   GET    /__emulator/realtime/sessions → { sessions }  (one record per realtime session)
//   GET    /__emulator/realtime/script   → { script }
//   POST   /__emulator/realtime/script   → body: [turn…] | { script }; null restores the default
//   DELETE /__emulator/realtime/script   → restores the startEmulator / default script
//   GET    /__emulator/realtime/config   → { config }
//   POST   /__emulator/realtime/config   → body: partial config (merged); null restores the default
//   DELETE /__emulator/realtime/config   → restores the startEmulator / default config
//   GET    /__emulator/transcripts       → { transcripts, default, served }  (/v1/audio/transcriptions texts)
//   POST   /__emulator/transcripts       → body: [text…] | { transcripts?, default? }; null restores; restarts every key
//   DELETE /__emulator/transcripts       → restores the startEmulator / default transcripts
//   GET|POST|DELETE /__emulator/fallback/config → { config }: chatChunkMs, speechChunkMs, speechEngine, espeakPath
import { apiError, badJson, invalidUrl } from '../lib/errors.mjs';
import { parseJson } from '../lib/http.mjs';

/**
 * @param {{ method: string, path: string, query: URLSearchParams, raw: Buffer }} req
 * @param {{ stats: () => any, setFaults: (f: any) => void, addFaults: (f: any) => void,
 *           resetFaults: () => void, listFaults: () => any[], reset: () => void,
 *           realtimeSessions: () => any[], getRealtimeScript: () => any, setRealtimeScript: (s: unknown) => any,
 *           getRealtimeConfig: () => any, setRealtimeConfig: (c: unknown) => any }} api
 * @returns {{ status: number, body: any } | import('../lib/errors.mjs').ErrorReply}
 */
export function handleControl(req, api) {
  const { method, path } = req;
  const ok = (body) => ({ status: 200, body });
  if (method === 'GET' && path === '/__emulator/health') return ok({ ok: true });
  if (method === 'GET' && path === '/__emulator/stats') return ok(api.stats());
  if (method === 'GET' && path === '/__emulator/faults') return ok({ faults: api.listFaults() });
  if (method === 'DELETE' && path === '/__emulator/faults') {
    api.resetFaults();
    return ok({ faults: [] });
  }
  if (method === 'POST' && path === '/__emulator/reset') {
    api.reset();
    return ok({ ok: true });
  }
  if (path.startsWith('/__emulator/realtime/')) return handleRealtimeControl(req, api);
  if (path === '/__emulator/transcripts' || path === '/__emulator/fallback/config') return handleFallbackControl(req, api);
  if (method === 'POST' && path === '/__emulator/faults') {
    const body = parseJson(req.raw);
    if (body === undefined) return badJson();
    const wrapped = body && typeof body === 'object' && !Array.isArray(body) && 'faults' in body;
    const faults = wrapped ? body.faults : body;
    const append = (wrapped && body.append === true) || ['1', 'true'].includes(req.query.get('append') ?? '');
    try {
      if (append) api.addFaults(faults);
      else api.setFaults(faults);
    } catch (e) {
      return apiError(400, `Invalid fault: ${/** @type {Error} */ (e).message}`, { param: 'faults', code: 'invalid_fault' });
    }
    return ok({ faults: api.listFaults() });
  }
  return invalidUrl(method, path);
}

/** The /__emulator/realtime/* part of the control API. @param {any} req @param {any} api */
function handleRealtimeControl(req, api) {
  const { method, path } = req;
  const ok = (body) => ({ status: 200, body });
  if (method === 'GET' && path === '/__emulator/realtime/sessions') return ok({ sessions: api.realtimeSessions() });
  const which = path === '/__emulator/realtime/script' ? 'script' : path === '/__emulator/realtime/config' ? 'config' : null;
  if (!which) return invalidUrl(method, path);
  const get = () => (which === 'script' ? api.getRealtimeScript() : api.getRealtimeConfig());
  const set = (v) => (which === 'script' ? api.setRealtimeScript(v) : api.setRealtimeConfig(v));
  if (method === 'GET') return ok({ [which]: get() });
  if (method === 'DELETE') {
    set(null);
    return ok({ [which]: get() });
  }
  if (method !== 'POST') return invalidUrl(method, path);
  const body = parseJson(req.raw);
  if (body === undefined && req.raw.length) return badJson();
  const value = body && typeof body === 'object' && !Array.isArray(body) && which in body && Object.keys(body).length === 1 ? body[which] : body;
  try {
    set(value ?? null);
  } catch (e) {
    return apiError(400, `Invalid realtime ${which}: ${/** @type {Error} */ (e).message}`, { param: which, code: `invalid_realtime_${which}` });
  }
  return ok({ [which]: get() });
}

/** /__emulator/transcripts and /__emulator/fallback/config (the fallback-mode routes). @param {any} req @param {any} api */
function handleFallbackControl(req, api) {
  const { method, path } = req;
  const transcripts = path === '/__emulator/transcripts';
  const get = () => (transcripts ? api.getTranscripts() : { config: api.getFallbackConfig() });
  const set = (v) => (transcripts ? api.setTranscripts(v) : api.setFallbackConfig(v));
  if (method === 'GET') return { status: 200, body: get() };
  if (method === 'DELETE') {
    set(null);
    return { status: 200, body: get() };
  }
  if (method !== 'POST') return invalidUrl(method, path);
  const body = parseJson(req.raw);
  if (body === undefined && req.raw.length) return badJson();
  const value = !transcripts && body && typeof body === 'object' && !Array.isArray(body) && 'config' in body ? body.config : body;
  try {
    set(value ?? null);
  } catch (e) {
    const what = transcripts ? 'transcripts' : 'fallback_config';
    return apiError(400, `Invalid ${what.replace('_', ' ')}: ${/** @type {Error} */ (e).message}`, { param: transcripts ? 'transcripts' : 'config', code: `invalid_${what}` });
  }
  return { status: 200, body: get() };
}
