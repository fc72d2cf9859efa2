/** Type instead of speaking (also the way in when the microphone is blocked). */
import { Send } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';

interface Props {
  enabled: boolean;
  onSend: (text: string) => boolean;
}

export function MessageComposer({ enabled, onSend }: Props) {
  const id = useId();
  const [text, setText] = useState('');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (enabled && onSend(text)) setText('');
  };
  return (
    <form onSubmit={submit} className="flex gap-2">
      <label htmlFor={id} className="sr-only">
        Type a message to your coach
      </label>
      <input
        id={id}
        data-testid="voice-text-input"
        type="text"
        maxLength={2000}
        value={text}
        disabled={!enabled}
        onChange={(e) => setText(e.target.value)}
        placeholder={enabled ? 'Type instead of speaking…' : 'Connect to type to your coach'}
        className="min-w-0 flex-1 rounded-control border border-line-strong bg-surface px-3 py-2 text-sm text-ink placeholder:text-ink-muted disabled:opacity-60"
      />
      <button
        type="submit"
        data-testid="voice-text-send"
        disabled={!enabled || text.trim() === ''}
        className="inline-flex items-center gap-1.5 rounded-control bg-accent px-3 py-2 text-sm font-semibold text-accent-ink hover:bg-accent-hover disabled:opacity-60"
      >
        <Send size={14} aria-hidden="true" />
        Send
      </button>
    </form>
  );
}
