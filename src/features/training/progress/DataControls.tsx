/**
 * "Your data" on /progress: export the history as JSON, import a file exported before (validated first;
 * nothing is written when anything in it is wrong), and delete everything this site keeps in the browser,
 * after a confirmation step (src/lib/training/local-data.ts).
 *
 * Test hooks: export-history, export-result, import-history (the file input), import-result, delete-data,
 * delete-confirm, delete-cancel, delete-result.
 */
import { useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import { Download, Trash2, Upload } from 'lucide-react';
import type { HistoryStore } from '../../../lib/training/history/history-types';
import { deleteAllLocalData } from '../../../lib/training/local-data';
import { MAX_IMPORT_BYTES, describeDeleted, describeImport, exportFileName } from './progress-copy';

interface Props {
  /** Sessions in the history now. */
  count: number;
  store: () => HistoryStore;
  /** Re-reads the history after an import or a delete. */
  onChanged: () => Promise<void>;
}

interface Message {
  tone: 'ok' | 'error';
  text: string;
}

const NOT_JSON = 'Nothing was imported. This is not a history file exported from this site (it is not JSON).';

const button =
  'inline-flex items-center justify-center gap-2 rounded-control px-4 py-2.5 text-sm font-semibold transition-colors duration-150 disabled:cursor-not-allowed disabled:opacity-60';
const secondary = `${button} border border-line-strong bg-surface text-ink hover:bg-surface-sunken`;
const danger = `${button} bg-danger text-white hover:bg-danger/90`;

function Result({ message, testId }: { message: Message | null; testId: string }) {
  // Always in the page (empty when there is nothing to say), so screen readers announce each change.
  return (
    <p
      data-testid={testId}
      role={message?.tone === 'error' ? 'alert' : 'status'}
      className={
        message
          ? `mt-3 rounded-control border p-3 text-sm ${message.tone === 'error' ? 'border-danger/30 bg-danger-soft text-ink' : 'border-success/30 bg-success-soft text-ink'}`
          : 'sr-only'
      }
    >
      {message?.text ?? ''}
    </p>
  );
}

function download(name: string, json: string) {
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: the download reads the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function DataControls({ count, store, onChanged }: Props) {
  const inputId = useId();
  const [exported, setExported] = useState<Message | null>(null);
  const [imported, setImported] = useState<Message | null>(null);
  const [deleted, setDeleted] = useState<Message | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLHeadingElement>(null);
  const deletedRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  async function onExport() {
    try {
      const file = await store().exportAll();
      const name = exportFileName();
      download(name, JSON.stringify(file, null, 2));
      setExported({ tone: 'ok', text: `Downloaded ${name} with ${file.sessions.length} session${file.sessions.length === 1 ? '' : 's'}.` });
    } catch {
      setExported({ tone: 'error', text: 'The browser could not read the history to export it. Reload the page and try again.' });
    }
  }

  async function onImport(event: ChangeEvent<HTMLInputElement>) {
    const input = event.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    setBusy(true);
    setImported(null);
    setDeleted(null);
    try {
      if (file.size > MAX_IMPORT_BYTES) {
        setImported({ tone: 'error', text: 'Nothing was imported. This file is far larger than any history file (over 50 MB).' });
        return;
      }
      let data: unknown;
      try {
        data = JSON.parse(await file.text());
      } catch {
        setImported({ tone: 'error', text: NOT_JSON });
        return;
      }
      try {
        const result = await store().importAll(data);
        setImported({ tone: 'ok', text: describeImport(result) });
      } catch (error) {
        // HistoryImportError (history-schema.ts, loaded with the import): its message names the bad field.
        const invalid = error instanceof Error && error.name === 'HistoryImportError';
        setImported({
          tone: 'error',
          text: invalid
            ? `Nothing was imported. ${error.message}`
            : 'Nothing was imported: the browser could not save the history. Reload the page and try again.',
        });
      }
      await onChanged();
    } finally {
      // The same file can be chosen again after fixing it.
      input.value = '';
      setBusy(false);
    }
  }

  async function onDelete() {
    setBusy(true);
    setImported(null);
    setExported(null);
    try {
      setDeleted({ tone: 'ok', text: describeDeleted(await deleteAllLocalData(store())) });
    } catch {
      setDeleted({
        tone: 'error',
        text: 'Your saved settings were deleted, but the browser could not empty the practice history. Reload the page and try again.',
      });
    } finally {
      setConfirming(false);
      setBusy(false);
      await onChanged();
      deletedRef.current?.focus();
    }
  }

  return (
    <div className="grid gap-5 lg:grid-cols-3">
      <div className="rounded-card border border-line bg-surface p-5 shadow-card">
        <h3 className="font-semibold text-ink">Export</h3>
        <p className="mt-1 text-sm leading-relaxed text-ink-muted">A JSON file of every session, to keep a copy or move to another browser.</p>
        <button type="button" data-testid="export-history" className={`${secondary} mt-4`} onClick={onExport} disabled={busy || count === 0}>
          <Download size={16} aria-hidden="true" /> Export my history
        </button>
        {count === 0 && <p className="mt-2 text-xs text-ink-muted">Nothing to export yet.</p>}
        <Result message={exported} testId="export-result" />
      </div>

      <div className="rounded-card border border-line bg-surface p-5 shadow-card">
        <h3 className="font-semibold text-ink">
          <label htmlFor={inputId}>Import a history file</label>
        </h3>
        <p className="mt-1 text-sm leading-relaxed text-ink-muted">
          <Upload size={14} aria-hidden="true" className="mr-1 inline align-[-2px]" />A file exported from this site. Sessions already here are kept
          as they are.
        </p>
        <input
          id={inputId}
          type="file"
          accept="application/json,.json"
          data-testid="import-history"
          onChange={onImport}
          disabled={busy}
          className="mt-4 block w-full text-sm text-ink-muted file:mr-3 file:cursor-pointer file:rounded-control file:border file:border-line-strong file:bg-surface file:px-4 file:py-2.5 file:text-sm file:font-semibold file:text-ink hover:file:bg-surface-sunken"
        />
        <Result message={imported} testId="import-result" />
      </div>

      <div className="rounded-card border border-line bg-surface p-5 shadow-card">
        <h3 className="font-semibold text-ink">Delete my data</h3>
        <p className="mt-1 text-sm leading-relaxed text-ink-muted">
          Removes your practice history, learning-path progress and saved choices from this browser. Nothing is kept on our server.
        </p>
        {confirming ? (
          <div role="group" aria-labelledby={`${inputId}-confirm`} className="mt-4 rounded-control border border-danger/30 bg-danger-soft p-4">
            <h4 id={`${inputId}-confirm`} ref={confirmRef} tabIndex={-1} className="font-semibold text-ink focus:outline-none">
              Delete everything?
            </h4>
            <p className="mt-1 text-sm text-ink">
              {count > 0
                ? `All ${count} session${count === 1 ? '' : 's'} and your progress will be gone for good. Export first if you want a copy.`
                : 'Your progress and saved choices will be gone for good.'}
            </p>
            <div className="mt-3 flex flex-wrap gap-2">
              <button type="button" data-testid="delete-confirm" className={danger} onClick={onDelete} disabled={busy}>
                <Trash2 size={16} aria-hidden="true" /> Yes, delete everything
              </button>
              <button type="button" data-testid="delete-cancel" className={secondary} onClick={() => setConfirming(false)} disabled={busy}>
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <button
            type="button"
            data-testid="delete-data"
            className={`${button} mt-4 border border-danger/40 bg-surface text-danger hover:bg-danger-soft`}
            onClick={() => {
              setDeleted(null);
              setConfirming(true);
            }}
            disabled={busy}
          >
            <Trash2 size={16} aria-hidden="true" /> Delete my data
          </button>
        )}
        <div ref={deletedRef} tabIndex={-1} className="focus:outline-none">
          <Result message={deleted} testId="delete-result" />
        </div>
      </div>
    </div>
  );
}
