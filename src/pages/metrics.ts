/** Prometheus metrics, for `astro dev` (the built server answers before Astro; same handler). */
import type { APIRoute } from 'astro';
import { getAppContext } from '../server/app-context';
import { serveApiFromWeb } from '../server/api/web-api-adapter';

export const prerender = false;

export const ALL: APIRoute = ({ request, clientAddress }) => serveApiFromWeb(request, clientAddress, getAppContext());
