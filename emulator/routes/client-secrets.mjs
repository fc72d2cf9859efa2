// POST /v1/realtime/client_secrets (GA, §1.1).
import { invalidValue, modelNotFound } from '../lib/errors.mjs';
import { ephemeralKey, sessionId } from '../lib/ids.mjs';
import { RETIRED, REALTIME_MODEL_IDS, findModel } from '../lib/models.mjs';
import { effectiveSession } from '../lib/session.mjs';
import { validateClientSecretBody } from '../lib/validate.mjs';

/** @typedef {import('./index.mjs').RouteEnv} RouteEnv */

export const DEFAULT_TTL_SECONDS = 600;

/**
 * Model availability for a realtime session:
 * - a catalog model that is not realtime-capable → 400 invalid_value (param session.model);
 * - unknown or retired id → 404 model_not_found;
 * - realtime id the key is not entitled to → 403 model_not_found.
 * @param {string} model @param {boolean} realtimeAccess
 */
function checkModel(model, realtimeAccess) {
  const m = findModel(model);
  if (m && !m.realtime) return invalidValue('session.model', model, REALTIME_MODEL_IDS);
  if (!m || RETIRED.includes(model)) return modelNotFound(model, { param: 'session.model' });
  if (!realtimeAccess) return modelNotFound(model, { status: 403, param: 'session.model' });
  return null;
}

/** @param {RouteEnv} env */
export function createClientSecret(env) {
  const body = /** @type {any} */ (env.body);
  const invalid = validateClientSecretBody(body);
  if (invalid) return invalid;

  const session = effectiveSession(body.session, { id: sessionId(), defaultModel: env.options.defaultModel });
  if (session.type === 'realtime') {
    const err = checkModel(session.model, env.realtimeAccess);
    if (err) return err;
  }

  const seconds = body.expires_after?.seconds ?? DEFAULT_TTL_SECONDS;
  const createdAt = Math.floor(env.now() / 1000);
  const value = ephemeralKey();
  const expires_at = createdAt + seconds;
  env.state.addSecret({ value, expires_at, created_at: createdAt, session, key: env.key ?? '' });
  return { status: 200, body: { value, expires_at, session } };
}
