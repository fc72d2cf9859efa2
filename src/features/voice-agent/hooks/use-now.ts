import { useEffect, useState } from 'react';

/** The current time, re-read every `intervalMs` while `enabled` (one timer, cleared when idle). */
export function useNow(enabled: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    setNow(Date.now());
    const id = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(id);
  }, [enabled, intervalMs]);
  // Read the clock during render too: the first render after `enabled` turns on would otherwise show the
  // stale time from the last tick (e.g. a countdown flashing "6 s" before "1 s").
  return enabled ? Math.max(now, Date.now()) : now;
}
