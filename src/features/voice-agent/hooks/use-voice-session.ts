/**
 * Binds one voice conversation (any engine: see voice-controller.ts) to React: snapshots through useSyncExternalStore, the browser's online/offline
 * events, the page going away, and the transport preference remembered in localStorage.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { VoiceController } from '../../../lib/voice-agent/session/voice-controller';
import type { TransportPreference, VoiceSnapshot } from '../../../lib/voice-agent/session/voice-session-types';

const PREFERENCE_KEY = 'voice-coach.transport';

export function storedPreference(): TransportPreference {
  try {
    const value = localStorage.getItem(PREFERENCE_KEY);
    return value === 'webrtc' || value === 'websocket' ? value : 'auto';
  } catch {
    return 'auto';
  }
}

export function storePreference(preference: TransportPreference): void {
  try {
    if (preference === 'auto') localStorage.removeItem(PREFERENCE_KEY);
    else localStorage.setItem(PREFERENCE_KEY, preference);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
}

export function useVoiceSession(voice: VoiceController): VoiceSnapshot {
  const snapshot = useSyncExternalStore(voice.subscribe, voice.getSnapshot, voice.getSnapshot);

  useEffect(() => {
    voice.setPreference(storedPreference());
    const online = () => voice.setOnline(true);
    const offline = () => voice.setOnline(false);
    const leave = () => voice.leave();
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    window.addEventListener('pagehide', leave);
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
      window.removeEventListener('pagehide', leave);
    };
  }, [voice]);

  return snapshot;
}
