/**
 * Fallback turn latency, in Debian's Chromium against the built app (dist/server/entry.mjs) and the OpenAI
 * emulator (in-process), with the emulator adding a configurable upstream latency to each of the three
 * upstream calls (transcription, chat, speech):
 *
 *   pipeline = end of the user's speech (the client's VAD closes the utterance: `coach:user-speech-end`)
 *              → the first audio of the reply plays (`coach:first-audio`), measured in the page;
 *   floor    = the same three upstream calls made one after the other straight to the emulator from this
 *              process, in the same run: transcribe the same audio → stream the chat reply until its first
 *              sentence is complete → first byte of that sentence's speech.
 *
 * The pipeline should add little beyond the floor: the browser talks to the app, the app to the emulator,
 * and speech starts with the first complete sentence instead of the whole reply.
 *
 *   npm run bench:fallback -- [--runs 5] [--latency 250]   (node --import tsx bench/fallback/run.mjs)
 *
 * Prints a report and writes bench/results/fallback-<timestamp>.json. A report, not a gate.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startEmulator } from '../../emulator/server.mjs';
import { startApp } from '../shared/start-app.mjs';
import { speechWav } from '../../tests/helpers/speech-wav.ts'; // run with `node --import tsx`

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, latency: { type: 'string', default: '250' } } });
const RUNS = Number(values.runs);
const LATENCIES = [0, Number(values.latency)];
const KEY = 'sk-test-standard'; // the emulator's key without realtime access: the token service grants fallback
const LINE = 'I want to rehearse my budget pitch for the board.';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The three upstream calls back to back, straight to the emulator: the floor under any pipeline. */
async function floorOnce(base, wavBytes) {
  const auth = { Authorization: `Bearer ${KEY}` };
  const t0 = performance.now();
  const form = new FormData();
  form.append('file', new Blob([wavBytes], { type: 'audio/wav' }), 'turn.wav');
  form.append('model', 'gpt-4o-mini-transcribe');
  const text = (await (await fetch(`${base}/audio/transcriptions`, { method: 'POST', headers: auth, body: form })).json()).text;
  const t1 = performance.now();
  const chat = await fetch(`${base}/chat/completions`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-5.4', stream: true, messages: [{ role: 'developer', content: 'You are a coach.' }, { role: 'user', content: text }] }),
  });
  const reader = chat.body.getReader();
  const decoder = new TextDecoder();
  let sse = '';
  let reply = '';
  let sentence;
  while (!sentence) {
    const { value, done } = await reader.read();
    if (done) break;
    sse += decoder.decode(value, { stream: true });
    for (const frame of sse.split('\n\n').slice(0, -1)) {
      const data = frame.replace(/^data: /, '');
      if (data === '[DONE]') continue;
      reply += JSON.parse(data).choices?.[0]?.delta?.content ?? '';
    }
    sse = sse.slice(sse.lastIndexOf('\n\n') + 2);
    const end = reply.search(/[.!?](\s|$)/);
    if (end >= 0 && /\s/.test(reply.slice(end + 1, end + 2))) sentence = reply.slice(0, end + 1);
  }
  await reader.cancel();
  const t2 = performance.now();
  const speech = await fetch(`${base}/audio/speech`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini-tts', voice: 'marin', input: sentence ?? reply, response_format: 'pcm' }),
  });
  const audio = speech.body.getReader();
  await audio.read();
  const t3 = performance.now();
  await audio.cancel();
  return { totalMs: t3 - t0, transcribeMs: t1 - t0, firstSentenceMs: t2 - t1, firstAudioByteMs: t3 - t2 };
}

const emu = await startEmulator({ port: 0, log: false, transcripts: [], defaultTranscript: LINE });
const app = await startApp({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `${emu.url}/v1`, RATE_LIMIT_PER_IP_PER_MINUTE: '100000', MAX_SESSIONS_PER_IP: '100000', FALLBACK_RATE_LIMIT_PER_SESSION_PER_MINUTE: '10000', FALLBACK_RATE_LIMIT_PER_IP_PER_MINUTE: '10000' });
// One utterance, then a long silence: each page hears exactly one turn.
const wav = speechWav(LINE, { tailSeconds: 20 });
const wavBytes = readFileSync(wav);
const userDataDir = mkdtempSync(join(tmpdir(), 'fallback-bench-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'],
});

const rows = [];
try {
  for (const latencyMs of LATENCIES) {
    emu.resetFaults();
    if (latencyMs > 0) {
      emu.setFaults([
        { route: 'audio.transcriptions', latencyMs },
        { route: 'chat.completions', latencyMs },
        { route: 'audio.speech', latencyMs },
      ]);
    }
    const pipeline = [];
    const floor = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const page = await context.newPage();
      await page.goto(`${app.url}/coach`);
      await page.getByTestId('coach-mode').filter({ hasText: 'fallback' }).waitFor({ timeout: 20_000 });
      await page.getByTestId('voice-start').click();
      const ms = await page.waitForFunction(() => {
        const end = performance.getEntriesByName('coach:user-speech-end')[0];
        const first = performance.getEntriesByName('coach:first-audio')[0];
        return end && first ? first.startTime - end.startTime : false;
      }, undefined, { timeout: 60_000, polling: 50 }).then((h) => h.jsonValue());
      if (i > 0) pipeline.push(ms); // the first run pays one-time loads (espeak, the lazy fallback chunk)
      await page.getByTestId('voice-hangup').click().catch(() => undefined);
      await page.close();
      if (i > 0) floor.push(await floorOnce(`${emu.url}/v1`, wavBytes));
    }
    const floorMs = median(floor.map((f) => f.totalMs));
    rows.push({
      upstreamLatencyMs: latencyMs,
      pipelineMedianMs: median(pipeline),
      floorMedianMs: floorMs,
      ratio: median(pipeline) / floorMs,
      overheadMs: median(pipeline) - floorMs,
      floorStagesMedianMs: {
        transcribe: median(floor.map((f) => f.transcribeMs)),
        firstSentence: median(floor.map((f) => f.firstSentenceMs)),
        firstAudioByte: median(floor.map((f) => f.firstAudioByteMs)),
      },
      pipeline,
      floor: floor.map((f) => f.totalMs),
    });
  }
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    runs: RUNS,
    rows,
  };
  console.log('\nFallback turn: end of user speech → first audio played (median), against the floor of upstream calls');
  for (const r of rows) {
    console.log(
      `  upstream +${r.upstreamLatencyMs} ms per call: pipeline ${r.pipelineMedianMs.toFixed(0)} ms | floor ${r.floorMedianMs.toFixed(0)} ms ` +
        `(transcribe ${r.floorStagesMedianMs.transcribe.toFixed(0)} + first sentence ${r.floorStagesMedianMs.firstSentence.toFixed(0)} + first audio byte ${r.floorStagesMedianMs.firstAudioByte.toFixed(0)}) ` +
        `→ ${r.ratio.toFixed(2)}×, +${r.overheadMs.toFixed(0)} ms`,
    );
  }
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  writeFileSync(`${ROOT}bench/results/fallback-${Date.now()}.json`, JSON.stringify(result, null, 2));
} finally {
  await context.close().catch(() => undefined);
  rmSync(userDataDir, { recursive: true, force: true });
  await app.stop();
  await emu.close();
}
