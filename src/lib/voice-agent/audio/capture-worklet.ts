/**
 * The microphone capture worklet (`pcm-capture-worklet.js`), loaded by URL — the CSP refuses inline
 * scripts, hence `?url&no-inline` — once per AudioContext for everything that captures: the WebSocket
 * transport's pipeline and the fallback coach's microphone. One cache for both, so a context one of them
 * already used is not loaded again by the other.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import captureWorkletUrl from './pcm-capture-worklet.js?url&no-inline';

/** The name the worklet registers its processor under (`registerProcessor`). */
export const CAPTURE_PROCESSOR_NAME = 'pcm-capture';

/** `addModule` once per context (a second registration of the same processor name would throw). */
const loadedContexts = new WeakMap<BaseAudioContext, Promise<void>>();

/** Resolves when `CAPTURE_PROCESSOR_NAME` can be instantiated in `context`; a failure is retried on the next call. */
export function loadCaptureWorklet(context: AudioContext): Promise<void> {
  let loading = loadedContexts.get(context);
  if (!loading) {
    loading = context.audioWorklet.addModule(captureWorkletUrl);
    loadedContexts.set(context, loading);
    loading.catch(() => loadedContexts.delete(context));
  }
  return loading;
}
