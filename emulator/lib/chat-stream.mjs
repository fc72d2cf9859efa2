// Streaming for the fallback routes: chat.completion.chunk frames derived from the final chat.completion
// (so streamed and non-streamed answers agree), and a paced writer shared with /v1/audio/speech that
// applies the mid-stream faults (drop after n chunks or t ms, an error frame).
import { alnum } from './ids.mjs';

/** Tokens of a text as OpenAI streams them: words with their leading whitespace. @param {string} text */
export const wordDeltas = (text) => text.match(/\s*\S+/g) ?? (text ? [text] : []);

/** Pieces of a tool call's JSON arguments, a few characters each. @param {string} args */
export const argumentPieces = (args) => args.match(/[\s\S]{1,7}/g) ?? [];

/**
 * chat.completion.chunk objects for a completion: per choice a role chunk, the content (word by word) or the
 * tool call (id, type and name first, then the arguments in pieces), a finish chunk; choices are interleaved.
 * With includeUsage every chunk has `usage: null` and a last chunk has `choices: []` and the usage.
 * @param {any} completion
 * @param {{ includeUsage?: boolean, obfuscation?: boolean }} [o]
 */
export function completionChunks(completion, o = {}) {
  const base = { id: completion.id, object: 'chat.completion.chunk', created: completion.created, model: completion.model,
    service_tier: completion.service_tier, system_fingerprint: completion.system_fingerprint };
  const chunk = (index, delta, finish = null) => ({
    ...base,
    choices: [{ index, delta, logprobs: null, finish_reason: finish }],
    ...(o.includeUsage ? { usage: null } : {}),
    ...(o.obfuscation !== false && (delta.content || delta.tool_calls) ? { obfuscation: alnum(1 + Math.floor(Math.random() * 12)) } : {}),
  });
  const perChoice = completion.choices.map((c) => {
    const m = c.message;
    const out = [chunk(c.index, { role: 'assistant', content: m.tool_calls ? null : '', refusal: null })];
    if (m.tool_calls) {
      m.tool_calls.forEach((call, index) => {
        out.push(chunk(c.index, { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
        for (const piece of argumentPieces(call.function.arguments))
          out.push(chunk(c.index, { tool_calls: [{ index, function: { arguments: piece } }] }));
      });
    } else {
      for (const w of wordDeltas(m.content)) out.push(chunk(c.index, { content: w }));
    }
    out.push(chunk(c.index, {}, c.finish_reason));
    return out;
  });
  const chunks = [];
  const longest = Math.max(...perChoice.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const l of perChoice) if (i < l.length) chunks.push(l[i]);
  if (o.includeUsage) chunks.push({ ...base, choices: [], usage: completion.usage });
  return chunks;
}

/** One SSE data frame. @param {unknown} v */
export const dataFrame = (v) => `data: ${typeof v === 'string' ? v : JSON.stringify(v)}\n\n`;

/**
 * Stream faults for a route, taken once per stream (see faults.mjs takeSession): `dropConnection` with
 * `afterEvents` (chunks written) or `afterMs`, and `errorEvent` (chat only).
 * @param {any} faults @param {string} route
 */
export function takeStreamFaults(faults, route) {
  const f = faults?.takeSession ? faults.takeSession(route, { explicitOnly: true }) : {};
  return { afterEvents: f.dropAfterEvents, afterMs: f.dropAfterMs, errorEvent: f.errorEvent ?? null };
}

/**
 * Write chunks to the response, `intervalMs` apart, then end it. Stops when the client goes away; with
 * `afterEvents`/`afterMs` the socket is destroyed mid-stream (a lost connection: no terminating chunk).
 * @param {import('./http.mjs').Ctx} ctx
 * @param {AsyncIterable<string|Buffer>|Iterable<string|Buffer>} chunks
 * @param {{ intervalMs?: number, afterEvents?: number, afterMs?: number, onDrop?: () => void }} [o]
 * @returns {Promise<'done'|'dropped'|'closed'>}
 */
export async function writePaced(ctx, chunks, o = {}) {
  const { res } = ctx;
  let dropped = false;
  const drop = () => {
    if (dropped) return;
    dropped = true;
    o.onDrop?.();
    ctx.req.socket.destroy();
  };
  const gone = () => dropped || res.destroyed || res.writableEnded || !ctx.req.socket.writable;
  /** @type {NodeJS.Timeout|undefined} */
  const timer = o.afterMs !== undefined ? setTimeout(drop, o.afterMs) : undefined;
  const wait = (ms) => new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      res.off('close', done);
      resolve(undefined);
    }
    res.once('close', done);
  });
  /** @type {Promise<unknown>} */
  let flushed = Promise.resolve();
  const closed = new Promise((resolve) => res.once('close', resolve));
  try {
    let n = 0;
    for await (const c of chunks) {
      if (gone()) return dropped ? 'dropped' : 'closed';
      if (o.afterEvents !== undefined && n >= o.afterEvents) {
        await Promise.race([flushed, closed]); // the n chunks reach the client before the connection is lost
        drop();
        return 'dropped';
      }
      if (n > 0 && (o.intervalMs ?? 0) > 0) {
        await wait(/** @type {number} */ (o.intervalMs));
        if (gone()) return dropped ? 'dropped' : 'closed';
      }
      let ok = true;
      flushed = new Promise((resolve) => { ok = res.write(c, resolve); });
      n++;
      if (!ok) await new Promise((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve(undefined);
        };
        res.once('drain', done);
        res.once('close', done);
      });
    }
    if (gone()) return dropped ? 'dropped' : 'closed';
    res.end();
    return 'done';
  } finally {
    clearTimeout(timer);
  }
}
