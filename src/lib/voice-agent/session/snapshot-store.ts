/**
 * The UI side every engine shares: one immutable snapshot, replaced on each change, and the listeners
 * told about it. React reads engines with `useSyncExternalStore`, which needs `subscribe` and
 * `getSnapshot` to keep their identity (hence arrow properties: they may be passed around unbound) and
 * the snapshot's identity to change only when something did (hence `update` is the only way to change it).
 *
 * Browser-only module: never import from `src/server/**` here.
 */
export class SnapshotStore<T extends object> {
  private current: T;
  private readonly listeners = new Set<() => void>();

  constructor(initial: T) {
    this.current = initial;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): T => this.current;

  protected get snapshot(): T {
    return this.current;
  }

  /** A new snapshot with `patch` applied; every listener hears of it. */
  protected update(patch: Partial<T>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener();
  }
}
