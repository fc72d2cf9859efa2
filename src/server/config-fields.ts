/**
 * The kinds of value the environment holds (whole numbers, decimals, model ids, origins, URLs), as zod
 * fields with the messages a bad value gets. Used by config.ts, the one place that reads the environment.
 */
import { z } from 'zod';

export const int = (min: number, max: number, fallback: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string()
      .trim()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(min).max(max))
      .optional()
      .transform((v) => v ?? fallback),
  );

/** A positive decimal (e.g. `0.1`, `12.5`) within bounds; empty or unset = undefined. */
export const decimal = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string()
      .trim()
      .regex(/^\d+(\.\d+)?$/, 'must be a number like 30 or 0.5')
      .transform(Number)
      .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
      .optional(),
  );

export const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

export const modelId = (fallback: string) =>
  optionalString.transform((v) => v ?? fallback).pipe(z.string().regex(/^[\w.:-]+$/, 'must be a model id'));

export const origin = z.string().transform((value, ctx) => {
  try {
    const url = new URL(value);
    const plainHost = /^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/i.test(url.hostname); // no wildcards
    if ((url.protocol === 'http:' || url.protocol === 'https:') && plainHost && url.origin === value) return url.origin;
  } catch {
    /* reported below */
  }
  ctx.addIssue({ code: 'custom', message: `"${value}" is not an exact origin like https://example.com` });
  return z.NEVER;
});

/** An absolute http(s) URL, or a same-origin path (`/…`, not the protocol-relative `//host`). */
export const publicSearchUrl = z.string().refine(
  (value) => {
    if (value.startsWith('/')) return !value.startsWith('//') && !/[\s\\]/.test(value);
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  },
  { message: 'must be an http(s) URL or a path starting with /' },
);
