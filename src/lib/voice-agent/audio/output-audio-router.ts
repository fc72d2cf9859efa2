/**
 * Routes the coach's audio from GA server events to the audio pipeline's player, per assistant item:
 * `response.output_audio.delta` → decode → play; `response.output_audio.done` (or, failing that,
 * `response.done` for the item's response) → the item is finished, so the player can report it drained.
 *
 * A cut (`stop()`: barge-in or the stop button) cuts every item that has had audio, and their late deltas
 * are dropped from then on: the server keeps streaming a response until it sees the cancel, and those
 * chunks must not restart the voice the user just interrupted. Deltas that arrive before the pipeline
 * exists (a response during connect) wait for `attach`.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { AudioPipeline } from './audio-pipeline';
import type { PlaybackCut } from './pcm-player';
import { decodePcm16Base64 } from './pcm16';

/** One parsed server event (the transport's `WireEvent`). */
type ServerEventLike = { type: string } & Record<string, unknown>;

export interface OutputAudioRouter {
  /** Feed every server event; only the audio ones matter here. */
  handle(event: ServerEventLike): void;
  /** The pipeline is ready: play what arrived before it. */
  attach(pipeline: AudioPipeline): void;
  /** Cut all playback; the item that was being heard and how much of it, if any. */
  stop(): PlaybackCut | undefined;
  /** The player reported the item drained (finished and fully played). */
  drained(itemId: string): void;
  /** Audio deltas handed to the player (dropped ones not counted). */
  packetsPlayed(): number;
  /** Forget queued early audio (the transport is going away). */
  clear(): void;
}

/** Cut item ids remembered to drop their late deltas; old ones are forgotten beyond this. */
const MAX_CUT_ITEMS = 64;

export function createOutputAudioRouter(): OutputAudioRouter {
  let pipeline: AudioPipeline | undefined;
  let packets = 0;
  /** Items that got audio since the last cut. */
  const audioItems = new Set<string>();
  const cutItems = new Set<string>();
  /** item → response, to finish an item on `response.done` when its `output_audio.done` never came. */
  const itemResponse = new Map<string, string>();
  let early: Array<{ itemId: string; pcm: Int16Array }> = [];

  function play(itemId: string, pcm: Int16Array) {
    if (!pipeline) early.push({ itemId, pcm });
    else if (pipeline.play(itemId, pcm)) packets++;
  }

  function cut(itemId: string) {
    cutItems.add(itemId);
    if (cutItems.size > MAX_CUT_ITEMS) cutItems.delete(cutItems.values().next().value as string);
  }

  return {
    handle(event) {
      if (event.type === 'response.output_audio.delta') {
        const itemId = event.item_id;
        if (typeof itemId !== 'string' || typeof event.delta !== 'string' || cutItems.has(itemId)) return;
        let pcm: Int16Array;
        try {
          pcm = decodePcm16Base64(event.delta);
        } catch {
          return; // not base64: nothing playable
        }
        audioItems.add(itemId);
        if (typeof event.response_id === 'string') itemResponse.set(itemId, event.response_id);
        play(itemId, pcm);
      } else if (event.type === 'response.output_audio.done') {
        if (typeof event.item_id === 'string' && audioItems.has(event.item_id)) pipeline?.finish(event.item_id);
      } else if (event.type === 'response.done') {
        const responseId = (event.response as { id?: unknown } | undefined)?.id;
        for (const [itemId, owner] of itemResponse) if (owner === responseId && audioItems.has(itemId)) pipeline?.finish(itemId);
      }
    },
    attach(ready) {
      pipeline = ready;
      const pending = early;
      early = [];
      for (const { itemId, pcm } of pending) if (!cutItems.has(itemId)) play(itemId, pcm);
    },
    stop() {
      for (const itemId of audioItems) cut(itemId);
      audioItems.clear();
      itemResponse.clear();
      early = [];
      const result = pipeline?.stop();
      if (result) cut(result.itemId);
      return result;
    },
    drained(itemId) {
      audioItems.delete(itemId);
      itemResponse.delete(itemId);
    },
    packetsPlayed: () => packets,
    clear() {
      early = [];
    },
  };
}
