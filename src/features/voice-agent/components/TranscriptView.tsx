/**
 * The live transcript: user and coach turns in conversation order, streaming, cut to what was heard
 * when the coach was interrupted. A polite live region (`role="log"`), so screen readers hear new turns
 * without losing their place. Copy and download for the executive's notes.
 */
import { Copy, Download } from 'lucide-react';
import { useState } from 'react';
import type { TranscriptTurn } from '../../../lib/voice-agent/realtime/transcript-state';

interface Props {
  turns: readonly TranscriptTurn[];
  asText: () => string;
}

const secondary =
  'inline-flex items-center gap-1.5 rounded-control border border-line px-2.5 py-1.5 text-xs font-medium text-ink hover:bg-surface-sunken disabled:opacity-50';

export function TranscriptView({ turns, asText }: Props) {
  const [copied, setCopied] = useState(false);
  const empty = turns.length === 0;

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(asText());
      setCopied(true);
      setTimeout(() => setCopied(false), 2_000);
    } catch {
      setCopied(false);
    }
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([asText()], { type: 'text/plain;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `coaching-session-${new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-')}.txt`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  };

  return (
    <section aria-labelledby="transcript-title" className="rounded-control border border-line p-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="transcript-title" className="font-semibold text-ink">
          Transcript
        </h3>
        <div className="flex gap-2">
          <button type="button" data-testid="voice-copy" className={secondary} disabled={empty} onClick={copy}>
            <Copy size={14} aria-hidden="true" />
            {copied ? 'Copied' : 'Copy'}
          </button>
          <button type="button" data-testid="voice-download" className={secondary} disabled={empty} onClick={download}>
            <Download size={14} aria-hidden="true" />
            Download
          </button>
        </div>
      </div>
      {/* Focusable so keyboard users can scroll a long conversation (axe: scrollable-region-focusable). */}
      <div
        data-testid="voice-transcript"
        role="log"
        aria-live="polite"
        aria-relevant="additions text"
        aria-label="Conversation transcript"
        tabIndex={0}
        className="mt-3 max-h-96 overflow-y-auto rounded-control focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent"
      >
      <ol className="space-y-3">
        {empty && <li className="text-sm text-ink-muted">Your conversation will appear here as you talk.</li>}
        {turns.map((turn) => (
          <li key={turn.itemId} data-testid="voice-turn" data-role={turn.role} data-status={turn.status} className={turn.role === 'user' ? 'text-ink' : 'text-ink'}>
            <span className={`block text-xs font-semibold uppercase tracking-wide ${turn.role === 'user' ? 'text-ink-muted' : 'text-accent'}`}>
              {turn.role === 'user' ? 'You' : 'Coach'}
              {turn.status === 'interrupted' && <span className="ml-2 normal-case tracking-normal text-ink-muted">(interrupted)</span>}
            </span>
            <span data-testid="voice-turn-text" className="mt-0.5 block whitespace-pre-wrap text-sm leading-relaxed">
              {turn.text || (turn.status === 'pending' ? '…' : '')}
            </span>
          </li>
        ))}
      </ol>
      </div>
    </section>
  );
}
