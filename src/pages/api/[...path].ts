/**
 * All API paths, for `astro dev`: the built server answers them before Astro (see
 * src/server/api/node-api-adapter.ts). Same handlers, same pipeline.
 */
import type { APIRoute } from 'astro';
import { getAppContext } from '../../server/app-context';
import { serveApiFromWeb } from '../../server/api/web-api-adapter';

export const prerender = false;

export const ALL: APIRoute = ({ request, clientAddress }) => serveApiFromWeb(request, clientAddress, getAppContext());
