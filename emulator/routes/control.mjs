// Test-control API under /__emulator (no auth, not part of the OpenAI surface).
//   GET    /__emulator/health  → { ok: true }
//   GET    /__emulator/stats   → stats snapshot
//   GET    /__emulator/faults  → { faults }
//   POST   /__emulator/faults  → body: fault | fault[] | { faults, append? }; ?append=1 appends
//   DELETE /__emulator/faults  → clears faults
//   POST   /__emulator/reset   → clears counts, secrets and faults
import { apiError, badJson, invalidUrl } from '../lib/errors.mjs';
import { parseJson } from '../lib/http.mjs';

/**
 * @param {{ method: string, path: string, query: URLSearchParams, raw: Buffer }} req
 * @param {{ stats: () => any, setFaults: (f: any) => void, addFaults: (f: any) => void,
 *           resetFaults: () => void, listFaults: () => any[], reset: () => void }} api
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
