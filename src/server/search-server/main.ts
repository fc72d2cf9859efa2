/**
 * `npm run search-server`: the standalone development search server (architecture: "Development:
 * standalone server (if available)", http://localhost:3001/search). Same config, provider code,
 * cache, limits and session check as the app's built-in route; in development the browser uses it
 * when its /health probe answers.
 *
 * It refuses to start without REDIS_URL: only live sessions may search, and this process can see the
 * app's sessions only through the shared store. (Without Redis the app's built-in route serves search.)
 */
import { createAppContext } from '../app-context';
import { loadConfig } from '../config';
import { exitOnConfigError, exitWithConfigError } from '../runtime/config-exit';
import { startHttpServer } from '../runtime/http-server';
import { SEARCH_SERVER_API } from './search-server-api';

const config = exitOnConfigError(() => loadConfig());
if (!config.redisUrl) {
  exitWithConfigError(
    'Invalid environment variable REDIS_URL: the standalone search server needs the Redis the app uses, to check that a ' +
      'search comes from a live session. Start both with the same REDIS_URL and SESSION_SECRET, or skip this server: ' +
      'the app answers searches itself at /api/voice-agent/responses-search.',
  );
}
const app = exitOnConfigError(() => createAppContext(config));
startHttpServer({ app, host: config.searchServerHost, port: config.searchServerPort, api: { surface: SEARCH_SERVER_API, owns: () => true } });
