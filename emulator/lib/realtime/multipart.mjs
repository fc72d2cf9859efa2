// multipart/form-data bodies of the unified POST /v1/realtime/calls (parts `sdp` and `session`).

/**
 * Parse a multipart/form-data body into its named text parts.
 * @param {Buffer} raw @param {string} contentType
 * @returns {Record<string, string> | null} null when the body is not valid multipart
 */
export function parseMultipart(raw, contentType) {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return null;
  const text = raw.toString('utf8');
  const delimiter = `--${boundary}`;
  const chunks = text.split(delimiter);
  if (chunks.length < 3) return null;
  /** @type {Record<string, string>} */
  const parts = {};
  for (const chunk of chunks.slice(1)) {
    if (chunk.startsWith('--')) break; // closing delimiter
    const body = chunk.replace(/^\r?\n/, '');
    const sep = /\r?\n\r?\n/.exec(body);
    if (!sep) return null;
    const head = body.slice(0, sep.index);
    const name = /content-disposition:[^\n]*\bname="([^"]*)"/i.exec(head)?.[1];
    if (!name) return null;
    parts[name] = body.slice(sep.index + sep[0].length).replace(/\r?\n$/, '');
  }
  return parts;
}
