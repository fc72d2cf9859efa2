import { TriangleAlert } from 'lucide-react';

/** Non-fatal notes from the server about this session (e.g. "realtime unavailable, using fallback"). */
export function WarningsList({ warnings }: { warnings: string[] }) {
  return (
    <div data-testid="coach-warnings" className="flex gap-3 rounded-control border border-warning/30 bg-warning-soft p-4">
      <TriangleAlert size={20} className="mt-0.5 shrink-0 text-warning" aria-hidden="true" />
      <div className="text-sm leading-relaxed text-ink">
        <p className="font-semibold">{warnings.length === 1 ? 'Note from the server' : 'Notes from the server'}</p>
        <ul className="mt-1 list-disc space-y-1 pl-4">
          {warnings.map((warning, index) => (
            <li key={index}>{warning}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}
