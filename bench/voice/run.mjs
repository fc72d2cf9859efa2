/**
 * Voice client benchmark, in Debian's Chromium against the built app (dist/server/entry.mjs) and the
 * OpenAI emulator (in-process), each figure against a baseline measured in the same run:
 *
 *   1. /coach initial JavaScript (gzip) — every script the page loads before any click — against the
 *      100 KB budget, and against what `@openai/agents-realtime`'s browser bundle alone would add.
 *   2. click → connected (data channel open), with the credential prefetched, against the bare WebRTC
 *      recipe (protocol brief §2.3: offer → POST /calls → answer → channel open) timed in the same
 *      browser against the same emulator, and against the SDK's `OpenAIRealtimeWebRTC.connect()`.
 *   3. end of the user's speech → first coach audio, as the client measures it (its telemetry lands in
 *      `voice_agent_response_latency_seconds`), against the emulator's own floor (silence window +
 *      response delay).
 *
 *   npm run bench:voice -- [--runs 7]      (node --import tsx bench/voice/run.mjs)
 *
 * Prints a report and writes bench/results/voice-<timestamp>.json. A report, not a gate.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { startEmulator } from '../../emulator/server.mjs';
import { startApp } from '../shared/start-app.mjs';
import { speechWav } from '../../tests/helpers/speech-wav.ts'; // run with `node --import tsx` (npm run bench:voice)

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const RUNS = Number(values.runs);
// The client starts its clock at `input_audio_buffer.speech_stopped`, which the server sends once its silence
// window has passed; from there the emulator waits its response delay before the first audio.
const RESPONSE_DELAY_MS = 150; // emulator default responseDelayMs
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const emu = await startEmulator({ port: 0, log: false });
const app = await startApp({ OPENAI_API_KEY: 'sk-test-realtime', OPENAI_BASE_URL: `${emu.url}/v1`, RATE_LIMIT_PER_IP_PER_MINUTE: '100000', MAX_SESSIONS_PER_IP: '100000', LOG_LEVEL: 'info' });
const wav = speechWav('I want to rehearse my budget pitch for the board.');
const userDataDir = mkdtempSync(join(tmpdir(), 'voice-bench-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required'],
});
const mint = async () => {
  const res = await fetch(`${emu.url}/v1/realtime/client_secrets`, { method: 'POST', headers: { authorization: 'Bearer sk-test-realtime', 'content-type': 'application/json' }, body: JSON.stringify({ session: { type: 'realtime', model: 'gpt-realtime-2.1' } }) });
  return (await res.json()).value;
};

try {
  // 1. Initial JavaScript on /coach.
  const page = await context.newPage();
  const scripts = new Map();
  page.on('response', async (r) => {
    if (r.request().resourceType() === 'script') scripts.set(r.url(), gzipSync(await r.body().catch(() => Buffer.alloc(0))).length);
  });
  await page.goto(`${app.url}/coach`, { waitUntil: 'networkidle' });
  await page.waitForTimeout(500);
  const initialGzip = [...scripts.values()].reduce((a, b) => a + b, 0);
  const bundleDir = new URL('../../node_modules/@openai/agents-realtime/dist/bundle/', import.meta.url);
  // What the SDK's WebRTC transport would add, bundled for the browser the way Vite would (minified, tree-shaken).
  const sdkBuild = await build({
    stdin: { contents: "export { OpenAIRealtimeWebRTC } from '@openai/agents-realtime';", resolveDir: ROOT },
    bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent',
  });
  const sdkGzip = gzipSync(sdkBuild.outputFiles[0].contents).length;
  await page.close();

  // 2. click → connected (ours), bare recipe, SDK.
  const ours = [];
  const latencies = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const p = await context.newPage();
    await p.goto(`${app.url}/coach`);
    await p.getByTestId('voice-start').waitFor();
    await p.waitForTimeout(300); // let the idle prefetch land: the click path should need one round trip
    const ms = await p.evaluate(() => new Promise((resolve) => {
      const status = () => document.querySelector('[data-testid="voice-status"]')?.getAttribute('data-status');
      const t0 = performance.now();
      const observer = new MutationObserver(() => {
        if (status() === 'connected') {
          observer.disconnect();
          resolve(performance.now() - t0);
        }
      });
      observer.observe(document.body, { subtree: true, attributes: true, childList: true });
      document.querySelector('[data-testid="voice-start"]').click();
    }));
    if (i > 0) ours.push(ms); // the first run pays the emulator's one-time werift load
    // Let one spoken turn complete for the latency figure, then hang up.
    await p.locator('[data-testid="voice-turn"][data-role="assistant"]').first().waitFor({ timeout: 30_000 }).catch(() => undefined);
    await p.getByTestId('voice-hangup').click();
    await p.close();
  }
  const bare = [];
  const sdk = [];
  const site = await context.newPage();
  await site.goto(`${emu.url}/__emulator/stats`); // same origin as the emulator: no CORS in the baseline
  for (let i = 0; i < RUNS; i++) {
    const ek = await mint();
    bare.push(await site.evaluate(async ({ base, ek }) => {
      const t0 = performance.now();
      const pc = new RTCPeerConnection();
      const dc = pc.createDataChannel('oai-events');
      const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
      pc.addTrack(mic.getAudioTracks()[0], mic);
      await pc.setLocalDescription(await pc.createOffer());
      const r = await fetch(`${base}/v1/realtime/calls`, { method: 'POST', body: pc.localDescription.sdp, headers: { Authorization: `Bearer ${ek}`, 'Content-Type': 'application/sdp' } });
      await pc.setRemoteDescription({ type: 'answer', sdp: await r.text() });
      await new Promise((resolve) => (dc.readyState === 'open' ? resolve() : (dc.onopen = resolve)));
      const ms = performance.now() - t0;
      mic.getTracks().forEach((t) => t.stop());
      pc.close();
      return ms;
    }, { base: emu.url, ek }));
  }
  await site.route('**/agr/**', (route) => {
    const file = new URL(route.request().url()).pathname.split('/').pop();
    route.fulfill({ contentType: 'text/javascript', body: readFileSync(new URL(file, bundleDir)) });
  });
  await site.addScriptTag({ type: 'module', content: "import { OpenAIRealtimeWebRTC } from '/agr/openai-realtime-agents.mjs'; window.__AGR = OpenAIRealtimeWebRTC;" });
  await site.waitForFunction(() => window.__AGR);
  for (let i = 0; i < RUNS; i++) {
    const ek = await mint();
    sdk.push(await site.evaluate(async ({ base, ek }) => {
      const t = new window.__AGR({ baseUrl: `${base}/v1/realtime/calls` });
      const t0 = performance.now();
      await t.connect({ apiKey: ek, model: 'gpt-realtime-2.1' });
      const ms = performance.now() - t0;
      t.close();
      return ms;
    }, { base: emu.url, ek }));
  }

  // 3. end of speech → first audio, from the client's telemetry.
  await new Promise((r) => setTimeout(r, 3000)); // telemetry batches flush within 2 s
  const metrics = await (await fetch(`${app.url}/metrics`)).text();
  const sum = Number(metrics.match(/voice_agent_response_latency_seconds_sum (\S+)/)?.[1] ?? NaN);
  const count = Number(metrics.match(/voice_agent_response_latency_seconds_count (\S+)/)?.[1] ?? NaN);
  if (count > 0) latencies.push((sum / count) * 1000);

  const result = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    runs: RUNS,
    initialJs: { gzipBytes: initialGzip, budgetBytes: 100 * 1024, ratioToBudget: initialGzip / (100 * 1024), sdkBundleGzipBytes: sdkGzip, scripts: scripts.size },
    connect: { oursMedianMs: median(ours), bareMedianMs: median(bare), sdkMedianMs: median(sdk), ratioOursToBare: median(ours) / median(bare), ratioSdkToBare: median(sdk) / median(bare), ours, bare, sdk },
    responseLatency: { meanMs: latencies[0], samples: count, floorMs: RESPONSE_DELAY_MS, ratioToFloor: latencies[0] / RESPONSE_DELAY_MS },
  };
  const k = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`\n/coach initial JS (gzip): ${k(initialGzip)} in ${scripts.size} scripts — budget 100 KB → ${(result.initialJs.ratioToBudget * 100).toFixed(0)}% ${initialGzip <= 100 * 1024 ? 'PASS' : 'FAIL'}`);
  console.log(`  for comparison, @openai/agents-realtime's OpenAIRealtimeWebRTC alone (esbuild, minified): ${k(sdkGzip)}`);
  console.log(`click → connected (median of ${RUNS}): ours ${median(ours).toFixed(0)} ms | bare recipe ${median(bare).toFixed(0)} ms | SDK connect() ${median(sdk).toFixed(0)} ms`);
  console.log(`  ratio ours/bare ${result.connect.ratioOursToBare.toFixed(2)}×, SDK/bare ${result.connect.ratioSdkToBare.toFixed(2)}×`);
  console.log(`end of speech → first audio (client-measured mean of ${count}): ${latencies[0]?.toFixed(0)} ms vs the emulator's response delay ${RESPONSE_DELAY_MS} ms → ${result.responseLatency.ratioToFloor.toFixed(2)}×`);
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  writeFileSync(`${ROOT}bench/results/voice-${Date.now()}.json`, JSON.stringify(result, null, 2));
} finally {
  await context.close().catch(() => undefined);
  rmSync(userDataDir, { recursive: true, force: true });
  await app.stop();
  await emu.close();
}
