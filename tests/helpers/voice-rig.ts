/**
 * What a browser voice test needs, started together and stopped together: the OpenAI emulator (with a
 * conversation script), the built app pointed at it with a realtime-capable key, and Chromium whose fake
 * microphone plays the given WAV. Every page records its RTCPeerConnections on `window.__peers`, so a
 * test can read `getStats()` the way devtools would.
 */
import { startAppServer, type AppServer } from './app-server';
import { launchBrowser, type BrowserSession } from './browser';
import { REALTIME_KEY, startTestEmulator, type Emulator } from './emulator';

export const RECORD_PEERS = `(() => {
  const Native = window.RTCPeerConnection;
  if (!Native || window.__peers) return;
  window.__peers = [];
  window.RTCPeerConnection = class extends Native { constructor(...a) { super(...a); window.__peers.push(this); } };
})();`;

export interface VoiceRig {
  browser: BrowserSession;
  emu: Emulator;
  app: AppServer;
  close(): Promise<void>;
}

export async function startVoiceRig(options: { fakeAudioCapture: string; realtimeScript?: unknown; env?: Record<string, string> }): Promise<VoiceRig> {
  const emu = await startTestEmulator(options.realtimeScript ? { realtimeScript: options.realtimeScript } : {});
  const [browser, app] = await Promise.all([
    launchBrowser({ fakeAudioCapture: options.fakeAudioCapture }),
    startAppServer({ OPENAI_API_KEY: REALTIME_KEY, OPENAI_BASE_URL: emu.baseUrl, RATE_LIMIT_PER_IP_PER_MINUTE: '1000', MAX_SESSIONS_PER_IP: '1000', ...options.env }),
  ]);
  await browser.context.addInitScript({ content: RECORD_PEERS });
  return {
    browser,
    emu,
    app,
    async close() {
      await browser.close();
      await app.stop();
      await emu.close();
    },
  };
}
