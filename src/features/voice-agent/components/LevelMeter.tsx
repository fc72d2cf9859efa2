/** A small live level bar (microphone), read from the session ~12 times a second while visible. */
import { useEffect, useState } from 'react';

interface Props {
  read: () => number;
  label: string;
  active: boolean;
}

export function LevelMeter({ read, label, active }: Props) {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!active) {
      setLevel(0);
      return;
    }
    const timer = setInterval(() => setLevel(read()), 80);
    return () => clearInterval(timer);
  }, [read, active]);
  const percent = Math.round(Math.min(1, Math.max(0, level)) * 100);
  return (
    <div className="flex items-center gap-2 text-xs text-ink-muted">
      <span>{label}</span>
      <div
        data-testid="voice-mic-level"
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-2 w-28 overflow-hidden rounded-full bg-surface-sunken"
      >
        <div className="h-full rounded-full bg-accent transition-[width] duration-75" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
