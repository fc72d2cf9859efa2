/**
 * Variety without randomness leaks: the coach picks among equivalent lines with a seeded generator
 * (mulberry32), so a given seed always yields the same conversation (tests pin one; the app seeds from
 * the clock), and it never says a line twice while an unused alternative is left.
 *
 * Browser-only module: never import from `src/server/**` here.
 */

/** A 32-bit seeded generator: small, fast and good enough to pick lines. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface LineChooser {
  /** One of `options`: an unused one if any is left, else the one said longest ago. */
  pick(options: readonly string[]): string;
  /** Remember a line said without `pick` (so it is not chosen again soon). */
  mark(line: string): void;
  /** Whether the line was said already. */
  used(line: string): boolean;
}

export function createChooser(seed: number): LineChooser {
  const random = seededRandom(seed);
  /** Line → when it was last said (a counter, not a clock: deterministic). */
  const said = new Map<string, number>();
  let clock = 0;

  return {
    pick(options) {
      if (options.length === 0) return '';
      const fresh = options.filter((o) => !said.has(o));
      let choice: string;
      if (fresh.length > 0) choice = fresh[Math.floor(random() * fresh.length)]!;
      else choice = [...options].sort((a, b) => said.get(a)! - said.get(b)!)[0]!;
      said.set(choice, ++clock);
      return choice;
    },
    mark(line) {
      said.set(line, ++clock);
    },
    used: (line) => said.has(line),
  };
}
