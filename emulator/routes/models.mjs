// GET /v1/models and GET /v1/models/{id}.
import { modelNotFound } from '../lib/errors.mjs';
import { findModel, toWire, visibleModels } from '../lib/models.mjs';

/** @typedef {import('./index.mjs').RouteEnv} RouteEnv */

/** @param {RouteEnv} env */
export function listModels(env) {
  return { status: 200, body: { object: 'list', data: visibleModels(env.realtimeAccess) } };
}

/** @param {RouteEnv} env */
export function retrieveModel(env) {
  const id = env.params.id;
  const m = findModel(id);
  if (!m || (m.realtime && !env.realtimeAccess)) return modelNotFound(id, { param: 'model' });
  return { status: 200, body: toWire(m) };
}
