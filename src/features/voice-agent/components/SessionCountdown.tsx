import { useEffect } from 'react';
import { Timer } from 'lucide-react';
import { useNow } from '../hooks/use-now';
import { describeDuration, formatCountdown } from '../utils/format-duration';

interface Props {
  /** Expiry on the client clock, epoch ms. */
  expiresAtLocal: number;
  /** Called once when the countdown reaches zero. */
  onExpire: () => void;
}

/**
 * Time left on the session token. `role="timer"` is not announced every tick (implicit
 * `aria-live="off"`); the console's status region announces the expiry itself.
 */
export function SessionCountdown({ expiresAtLocal, onExpire }: Props) {
  const now = useNow(true);
  const remaining = Math.max(0, expiresAtLocal - now);

  useEffect(() => {
    if (remaining <= 0) onExpire();
  }, [remaining, onExpire]);

  const low = remaining <= 15_000;
  return (
    <span
      role="timer"
      aria-label={`Token expires in ${describeDuration(remaining)}`}
      className={`inline-flex items-center gap-1.5 font-mono tabular-nums ${low ? 'text-warning' : 'text-ink'}`}
    >
      <Timer size={16} aria-hidden="true" />
      {formatCountdown(remaining)}
    </span>
  );
}
