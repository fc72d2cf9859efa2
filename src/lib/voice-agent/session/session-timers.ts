/** Timers a voice session owns, so hanging up cancels every pending retry, countdown and renewal at once. */
export class SessionTimers {
  private readonly pending = new Set<ReturnType<typeof setTimeout>>();

  /** Runs `fn` after `ms` unless cleared first. */
  after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      fn();
    }, Math.max(0, ms));
    this.pending.add(timer);
  }

  /** Resolves after `ms`; never resolves once cleared (the session has moved on). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  clear(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
