/**
 * The WebSocket relay (issue 8) under a slow reader: it pauses the other side and loses nothing.
 * Rig: tests/helpers/relay-rig.ts.
 */
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { afterThisTest, browser, startRig, useRelayRig, waitFor } from '../helpers/relay-rig';

useRelayRig();

describe('backpressure', () => {
  it('stops reading upstream while the browser is not reading, and loses nothing', async () => {
    const FRAME = 256 * 1024;
    const CAP = 96 * 1024 * 1024;
    const fake = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => fake.once('listening', resolve));
    // Upstream sends as fast as its socket takes it; "blocked" = its own send buffer stayed full for half a second.
    const flood = new Promise<{ frames: number; blocked: boolean }>((resolve) => {
      fake.on('connection', async (ws) => {
        const pad = 'A'.repeat(FRAME);
        let frames = 0;
        let stalledMs = 0;
        while (frames * FRAME < CAP && stalledMs < 500) {
          if (ws.bufferedAmount > 8 * 1024 * 1024) {
            await new Promise((r) => setTimeout(r, 20));
            stalledMs += 20;
            continue;
          }
          stalledMs = 0;
          ws.send(`{"type":"response.output_audio.delta","seq":${frames++},"delta":"${pad}"}`);
          if (frames % 8 === 0) await new Promise((r) => setImmediate(r));
        }
        resolve({ frames, blocked: stalledMs >= 500 });
      });
    });
    const rig = await startRig({
      mint: async () => ({ value: 'ek_fake', expiresAtMs: Date.now() + 60_000, model: 'gpt-realtime-2.1' }),
      upstreamUrl: `ws://127.0.0.1:${(fake.address() as AddressInfo).port}/v1/realtime`,
    });
    afterThisTest(async () => void (await new Promise((resolve) => fake.close(resolve))));
    const b = browser(rig);
    await b.opened;
    b.ws.pause(); // the browser's tab is busy: nothing is read

    const result = await flood;
    expect(result.blocked).toBe(true); // upstream's writes backed up: the relay stopped reading it
    expect(result.frames * FRAME).toBeLessThan(CAP);
    expect(rig.pauses).toContain('upstream');

    b.ws.resume();
    await waitFor(() => b.events.length === result.frames, 'every frame to arrive', 15_000);
    expect(b.events.map((e) => e.seq)).toEqual([...Array(result.frames).keys()]);
  });
});
