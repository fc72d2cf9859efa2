// OpenAI REST error envelopes (§10): always {error:{message, type, param, code}}.

/**
 * @typedef {{ message: string, type: string, param: string|null, code: string|null }} ApiError
 * @typedef {{ status: number, error: ApiError, headers?: Record<string,string> }} ErrorReply
 */

/**
 * @param {number} status
 * @param {string} message
 * @param {{type?: string, param?: string|null, code?: string|null, headers?: Record<string,string>}} [o]
 * @returns {ErrorReply}
 */
export function apiError(status, message, o = {}) {
  return {
    status,
    error: {
      message,
      type: o.type ?? 'invalid_request_error',
      param: o.param ?? null,
      code: o.code ?? null,
    },
    ...(o.headers ? { headers: o.headers } : {}),
  };
}

/** Mask a key the way OpenAI does: never echo the whole key. @param {string} key */
export function maskKey(key) {
  const k = String(key ?? '');
  if (k.length >= 12) return `${k.slice(0, 5)}***...${k.slice(-4)}`;
  return `${k.slice(0, Math.min(2, Math.max(0, k.length - 2)))}***`;
}

export const missingKey = () =>
  apiError(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.",
  );

/** @param {string} key */
export const invalidKey = (key) =>
  apiError(
    401,
    `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    { code: 'invalid_api_key' },
  );

/** @param {string} method @param {string} path */
export const invalidUrl = (method, path) => apiError(404, `Invalid URL (${method} ${path})`);

/** @param {string} model @param {{status?: number, param?: string|null}} [o] */
export const modelNotFound = (model, o = {}) =>
  apiError(o.status ?? 404, `The model \`${model}\` does not exist or you do not have access to it.`, {
    param: o.param === undefined ? null : o.param,
    code: 'model_not_found',
  });

export const badJson = () =>
  apiError(
    400,
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
  );

export const bodyTooLarge = (limit) =>
  apiError(413, `Request body too large. The maximum allowed size is ${limit} bytes.`, {
    code: 'request_too_large',
  });

/** @param {string} requestId */
export const serverError = (requestId) =>
  apiError(
    500,
    `The server had an error while processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if the error persists. (Please include the request ID ${requestId} in your message.)`,
    { type: 'server_error' },
  );

/** Human name of a JSON value's type, as OpenAI phrases it. @param {unknown} v */
export function typeName(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a decimal';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/** 'a', 'b', and 'c' @param {readonly string[]} values */
export function listValues(values) {
  const q = values.map((v) => `'${v}'`);
  if (q.length <= 1) return q.join('');
  if (q.length === 2) return `${q[0]} and ${q[1]}`;
  return `${q.slice(0, -1).join(', ')}, and ${q[q.length - 1]}`;
}

export const missingParam = (param) =>
  apiError(400, `Missing required parameter: '${param}'.`, { param, code: 'missing_required_parameter' });

export const unknownParam = (param) =>
  apiError(400, `Unknown parameter: '${param}'.`, { param, code: 'unknown_parameter' });

export const invalidType = (param, expected, got) =>
  apiError(400, `Invalid type for '${param}': expected ${expected}, but got ${typeName(got)} instead.`, {
    param,
    code: 'invalid_type',
  });

export const invalidValue = (param, got, supported) =>
  apiError(
    400,
    `Invalid value: '${typeof got === 'string' ? got : JSON.stringify(got)}'. Supported values are: ${listValues(supported)}.`,
    { param, code: 'invalid_value' },
  );

/** @param {string} param */
export const emptyString = (param) =>
  apiError(400, `Invalid '${param}': empty string. Expected a string with minimum length 1, but got an empty string instead.`, {
    param,
    code: 'empty_string',
  });

/** @param {string} param @param {number} got @param {number} min @param {number} max */
export function outOfRange(param, got, min, max) {
  const kind = Number.isInteger(got) ? 'integer' : 'decimal';
  const below = got < min;
  return apiError(
    400,
    `Invalid '${param}': ${kind} ${below ? 'below minimum' : 'above maximum'} value. Expected a value ${below ? `>= ${min}` : `<= ${max}`}, but got ${got} instead.`,
    { param, code: `${kind}_${below ? 'below_min' : 'above_max'}_value` },
  );
}
