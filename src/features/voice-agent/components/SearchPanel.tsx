/**
 * "Check a fact": a search box and the log of what was checked during the session (newest first).
 * The log renders from a plain array of entries, so the coach's own searches can be shown here too.
 *
 * Test hooks: search-panel, search-input, search-submit, search-result (each entry), search-answer,
 * search-citation (each link), search-provider, search-stale, search-error.
 */
import { useId, useState, type SubmitEvent } from 'react';
import { CircleAlert, ExternalLink, History, LoaderCircle, Search } from 'lucide-react';
import { MAX_SEARCH_QUERY_LENGTH } from '../../../lib/voice-agent/api/search-client';
import type { ApiFailure, SearchProvider, SearchResponse } from '../../../lib/voice-agent/types/api';
import type { SearchLogEntry } from '../hooks/use-search';

const PROVIDER_LABEL: Record<SearchProvider, string> = {
  openai: 'Web search',
  searxng: 'Web search (SearXNG)',
  knowledge: 'Platform library',
};

/** A failed search in one plain sentence. */
export function describeSearchFailure(failure: ApiFailure): string {
  switch (failure.kind) {
    case 'network':
      return 'Search could not be reached. Check your connection, then try again.';
    case 'timeout':
      return 'Search took too long to answer. Try again in a moment.';
    case 'invalid-response':
      return 'Search sent an answer this page did not understand. Try again in a minute.';
    case 'http':
      break;
  }
  const wait = failure.retryAfterSeconds;
  switch (failure.status) {
    case 429:
      return wait !== undefined ? `Too many searches — try again in ${wait} s.` : 'Too many searches — try again in a minute.';
    case 404:
      return 'This session has ended, so searches are closed. Start a new session to keep checking facts.';
    case 503:
      return wait !== undefined
        ? `Search is unavailable right now. Try again in ${wait} s.`
        : 'Search is unavailable right now. Try again in a few minutes.';
    case 400:
      return `Search turned that question down. Keep it under ${MAX_SEARCH_QUERY_LENGTH} characters and try again.`;
    default:
      return `Search failed (HTTP ${failure.status ?? 'error'}). Try again in a moment.`;
  }
}

interface Props {
  entries: readonly SearchLogEntry[];
  /** True while the user's own search is running. */
  busy: boolean;
  /** Start a search; returns false when it was not started. */
  onSearch: (query: string) => boolean;
}

export function SearchPanel({ entries, busy, onSearch }: Props) {
  const ids = useId();
  const [query, setQuery] = useState('');
  const empty = query.trim() === '';
  const disabled = busy || empty;

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (disabled) return;
    if (onSearch(query)) setQuery('');
  };

  return (
    <section
      data-testid="search-panel"
      aria-labelledby={`${ids}-title`}
      className="rounded-control border border-line p-4"
    >
      <h3 id={`${ids}-title`} className="flex items-center gap-2 font-semibold text-ink">
        <Search size={18} className="text-accent" aria-hidden="true" />
        Check a fact
      </h3>
      <p className="mt-1 text-sm leading-relaxed text-ink-muted">
        Look up a figure, a regulation or a company without leaving the session.
      </p>

      <form role="search" aria-busy={busy} onSubmit={onSubmit} className="mt-3 flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="min-w-0 flex-1">
          <label htmlFor={`${ids}-query`} className="block text-sm font-semibold text-ink">
            What do you want to check?
          </label>
          <input
            id={`${ids}-query`}
            data-testid="search-input"
            type="search"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            maxLength={MAX_SEARCH_QUERY_LENGTH}
            autoComplete="off"
            placeholder="e.g. When does the EU AI Act apply to high-risk systems?"
            className="mt-1.5 h-11 w-full rounded-control border border-line-strong bg-canvas px-3 text-base text-ink placeholder:text-ink-muted/80 focus:border-accent"
          />
        </div>
        {/* aria-disabled (not `disabled`) keeps the button focusable while a search runs. */}
        <button
          type="submit"
          data-testid="search-submit"
          aria-disabled={disabled || undefined}
          className="inline-flex h-11 items-center justify-center gap-2 rounded-control bg-accent px-4 text-sm font-semibold whitespace-nowrap text-accent-ink shadow-sm transition-colors duration-150 hover:bg-accent-hover aria-disabled:cursor-not-allowed aria-disabled:opacity-60 aria-disabled:hover:bg-accent"
        >
          {busy ? (
            <LoaderCircle size={16} className="animate-spin motion-reduce:animate-none" aria-hidden="true" />
          ) : (
            <Search size={16} aria-hidden="true" />
          )}
          {busy ? 'Checking…' : 'Check'}
        </button>
      </form>

      <div aria-live="polite" className="mt-4">
        {entries.length === 0 ? (
          <p className="text-sm text-ink-muted">Nothing checked yet in this session.</p>
        ) : (
          <ol className="space-y-3">
            {entries.map((entry) => (
              <SearchEntry key={entry.id} entry={entry} />
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}

function SearchEntry({ entry }: { entry: SearchLogEntry }) {
  return (
    <li data-testid="search-result" className="rounded-control border border-line bg-surface-sunken p-4 text-sm">
      <p className="text-ink-muted">
        <span className="font-semibold text-ink">{entry.by === 'coach' ? 'The coach checked' : 'You asked'}:</span>{' '}
        <span className="break-words">“{entry.query}”</span>
      </p>
      {entry.status === 'pending' && (
        <p className="mt-2 flex items-center gap-2 text-ink-muted">
          <LoaderCircle size={16} className="shrink-0 animate-spin motion-reduce:animate-none" aria-hidden="true" />
          Searching…
        </p>
      )}
      {entry.status === 'done' && <SearchAnswer response={entry.response} />}
      {entry.status === 'failed' && (
        <p
          data-testid="search-error"
          className="mt-2 flex gap-2 rounded-control border border-danger/30 bg-danger-soft p-3 leading-relaxed text-ink"
        >
          <CircleAlert size={18} className="mt-0.5 shrink-0 text-danger" aria-hidden="true" />
          <span>{describeSearchFailure(entry.failure)}</span>
        </p>
      )}
    </li>
  );
}

function SearchAnswer({ response }: { response: SearchResponse }) {
  return (
    <>
      {response.stale && (
        <p
          data-testid="search-stale"
          className="mt-2 flex gap-2 rounded-control border border-warning/30 bg-warning-soft p-3 leading-relaxed text-ink"
        >
          <History size={18} className="mt-0.5 shrink-0 text-warning" aria-hidden="true" />
          <span>Showing an earlier answer: search is unavailable right now.</span>
        </p>
      )}
      <p data-testid="search-answer" className="mt-2 leading-relaxed whitespace-pre-line text-ink">
        {response.answer}
      </p>
      {response.citations.length > 0 && (
        <ul aria-label="Sources" className="mt-3 space-y-1.5">
          {response.citations.map((citation, index) => (
            <li key={`${index}-${citation.url}`}>
              {/* A new tab even for our own pages: leaving /coach would end the session. */}
              <a
                data-testid="search-citation"
                href={citation.url}
                target="_blank"
                rel="noopener noreferrer"
                className="inline-flex items-baseline gap-1 font-medium break-words text-accent underline underline-offset-2 hover:text-accent-hover"
              >
                <span>{citation.title.trim() || citation.url}</span>
                <ExternalLink size={13} className="shrink-0 self-center" aria-hidden="true" />
                <span className="sr-only">(opens in a new tab)</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      <p className="mt-3 text-xs text-ink-muted">
        Source: <span data-testid="search-provider">{PROVIDER_LABEL[response.provider]}</span>
        {response.cached ? ' · saved answer' : null}
      </p>
    </>
  );
}
