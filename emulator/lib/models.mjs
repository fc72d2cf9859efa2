// Model catalog served by GET /v1/models (§6 of the protocol brief).
// `realtime: true` marks ids that need realtime entitlement (hidden from keys without it
// and refused by client_secrets for them). `retired` ids are not listed at all; minting
// with them answers 404 model_not_found.

const DEPRECATED = '2027-01-20';

/**
 * @typedef {{ id: string, created: number, owned_by: string, realtime?: boolean,
 *             shutdown_date?: string|null, transcription?: boolean }} CatalogEntry
 */

/** @type {CatalogEntry[]} */
export const CATALOG = [
  // Current realtime generation.
  { id: 'gpt-realtime-2.1', created: 1779148800, owned_by: 'system', realtime: true },
  { id: 'gpt-realtime-2.1-mini', created: 1779148800, owned_by: 'system', realtime: true },
  { id: 'gpt-realtime-2', created: 1772323200, owned_by: 'system', realtime: true },
  { id: 'gpt-realtime-1.5', created: 1767225600, owned_by: 'system', realtime: true },
  // Deprecated realtime ids, shutdown announced.
  { id: 'gpt-realtime', created: 1756339200, owned_by: 'system', realtime: true, shutdown_date: DEPRECATED },
  { id: 'gpt-realtime-2025-08-28', created: 1756339200, owned_by: 'system', realtime: true, shutdown_date: DEPRECATED },
  { id: 'gpt-realtime-mini', created: 1759708800, owned_by: 'system', realtime: true, shutdown_date: DEPRECATED },
  { id: 'gpt-realtime-mini-2025-12-15', created: 1765756800, owned_by: 'system', realtime: true, shutdown_date: DEPRECATED },
  { id: 'gpt-audio-mini', created: 1759708800, owned_by: 'system', realtime: true, shutdown_date: DEPRECATED },
  { id: 'gpt-audio-mini-2025-12-15', created: 1765756800, owned_by: 'system', realtime: true, shutdown_date: DEPRECATED },
  // Still typed, no shutdown announced.
  { id: 'gpt-realtime-mini-2025-10-06', created: 1759708800, owned_by: 'system', realtime: true },
  { id: 'gpt-audio-1.5', created: 1767225600, owned_by: 'system', realtime: true },
  { id: 'gpt-audio-mini-2025-10-06', created: 1759708800, owned_by: 'system', realtime: true },
  // Normal models.
  { id: 'gpt-5.4', created: 1772409600, owned_by: 'system' },
  { id: 'gpt-4o-mini', created: 1721172741, owned_by: 'system' },
  { id: 'gpt-4o-mini-tts', created: 1742403959, owned_by: 'system' },
  { id: 'gpt-4o-mini-transcribe', created: 1742068463, owned_by: 'system', transcription: true },
  { id: 'gpt-4o-transcribe', created: 1742068463, owned_by: 'system', transcription: true },
  { id: 'whisper-1', created: 1677532384, owned_by: 'openai-internal', transcription: true },
  { id: 'tts-1', created: 1681940951, owned_by: 'openai-internal' },
  { id: 'tts-1-hd', created: 1699046015, owned_by: 'system' },
];

/** Realtime ids that once existed but are retired (treated as unavailable, §6). */
export const RETIRED = [
  'gpt-4o-realtime-preview',
  'gpt-4o-realtime-preview-2024-10-01',
  'gpt-4o-realtime-preview-2024-12-17',
  'gpt-4o-realtime-preview-2025-06-03',
  'gpt-4o-mini-realtime-preview',
  'gpt-4o-mini-realtime-preview-2024-12-17',
];

/** Models accepted in audio.input.transcription.model (§4.1). */
export const TRANSCRIPTION_MODELS = [
  'whisper-1',
  'gpt-transcribe',
  'gpt-live-transcribe',
  'gpt-4o-mini-transcribe',
  'gpt-4o-mini-transcribe-2025-12-15',
  'gpt-4o-transcribe',
  'gpt-4o-transcribe-diarize',
  'gpt-realtime-whisper',
];

export const REALTIME_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar'];

/** @param {string} id */
export const findModel = (id) => CATALOG.find((m) => m.id === id) ?? null;

/** Wire shape of one model. @param {CatalogEntry} m */
export function toWire(m) {
  /** @type {Record<string, unknown>} */
  const out = { id: m.id, object: 'model', created: m.created, owned_by: m.owned_by };
  if (m.shutdown_date) out.shutdown_date = m.shutdown_date;
  return out;
}

/** Models visible to a caller. @param {boolean} realtimeAccess */
export function visibleModels(realtimeAccess) {
  return CATALOG.filter((m) => realtimeAccess || !m.realtime).map(toWire);
}

export const REALTIME_MODEL_IDS = CATALOG.filter((m) => m.realtime).map((m) => m.id);
