/** Shared bits of the provider tests. */
import { expect } from 'vitest';
import { SearchProviderError } from '../../../src/server/search/search-types';

export const signal = () => new AbortController().signal;
export const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

/** The SearchProviderError a search rejected with (fails the test if it resolved or threw anything else). */
export async function failure(p: Promise<unknown>): Promise<SearchProviderError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SearchProviderError);
  return error as SearchProviderError;
}
