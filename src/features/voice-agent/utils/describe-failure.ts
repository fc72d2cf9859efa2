import type { ApiFailure } from '../../../lib/voice-agent/types/api';

export interface FailureCopy {
  /** One sentence, plain words. */
  title: string;
  /** What to do about it. */
  hint: string;
  /** The server's own message, when it sent the API's JSON error shape. */
  serverMessage?: string;
  /** The server's error code, for support. */
  code?: string;
}

const MAX_SERVER_MESSAGE = 300;
/** A daily budget of metered sessions is used up: the server's message names it and when it resets. */
const BUDGET_REFUSALS: ReadonlySet<string> = new Set(['daily_minutes_exhausted', 'daily_budget_exhausted']);

/** Turn an API failure into copy a busy executive can act on. Never includes secrets. */
export function describeFailure(failure: ApiFailure): FailureCopy {
  const extras = {
    // A budget refusal's message is its title already (describeStatus).
    serverMessage: failure.code && !BUDGET_REFUSALS.has(failure.code) ? truncate(failure.message) : undefined,
    code: failure.code,
  };

  switch (failure.kind) {
    case 'network':
      return {
        title: 'We could not reach the coaching service.',
        hint: 'Check your connection, then try again.',
      };
    case 'timeout':
      return {
        title: 'The coaching service took too long to answer.',
        hint: 'It may be busy. Try again in a moment.',
      };
    case 'invalid-response':
      return {
        title: 'The coaching service sent an answer this page did not understand.',
        hint: 'The service may be part-way through an update. Try again in a minute.',
      };
    case 'http':
      return { ...describeStatus(failure), ...extras };
  }
}

function describeStatus(failure: ApiFailure): Pick<FailureCopy, 'title' | 'hint'> {
  const status = failure.status ?? 0;
  if (failure.code && BUDGET_REFUSALS.has(failure.code)) {
    return { title: truncate(failure.message), hint: 'Live coaching is available again once the limit resets.' };
  }
  if (status === 429) {
    return {
      title: 'Too many session requests have come from your network.',
      hint:
        failure.retryAfterSeconds !== undefined
          ? 'The limit resets shortly. The button below unlocks when you can try again.'
          : 'Wait a minute, then try again.',
    };
  }
  if (status === 403) {
    return {
      title: 'This page is not allowed to start a session from where it is being served.',
      hint: 'Open the site at its usual address and try again.',
    };
  }
  if (status === 404) {
    return {
      title: 'The coaching service is not available on this server yet.',
      hint: 'The site is up but its session service is not. Please try again later.',
    };
  }
  if (status === 503) {
    return {
      title: 'The coaching service is temporarily unavailable.',
      hint:
        failure.retryAfterSeconds !== undefined
          ? 'It should be back shortly. The button below unlocks when you can try again.'
          : 'Please try again in a few minutes.',
    };
  }
  if (status === 400 || status === 405 || status === 413 || status === 415) {
    return {
      title: 'The service turned down the request from this page.',
      hint: 'Reload the page and try again. If it keeps happening, the site may need an update.',
    };
  }
  if (status >= 500) {
    return {
      title: 'Something went wrong on our side.',
      hint: 'Try again in a moment.',
    };
  }
  return {
    title: `The request failed (HTTP ${status}).`,
    hint: 'Try again in a moment.',
  };
}

function truncate(text: string): string {
  return text.length > MAX_SERVER_MESSAGE ? `${text.slice(0, MAX_SERVER_MESSAGE - 1)}…` : text;
}
