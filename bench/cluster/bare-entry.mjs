/**
 * The token benchmark's BASELINE handler (bench/token/bare-handler.mjs: a bare node:http server doing
 * the token endpoint's essential work, nothing else) shaped as a cluster "entry", so startCluster()
 * can put nginx in front of it exactly as it does the app: same nginx config, same ports, same
 * process handling. The cluster runs `node <entry>` with PORT in the environment; this wrapper adds
 * what the bare handler needs on top: tsx (it imports the app's coach session config from a .ts file)
 * and its mode on the command line.
 *
 *   BARE_MODE=demo|realtime  EMULATOR_URL=http://127.0.0.1:N (realtime)  PORT=N  node bench/cluster/bare-entry.mjs
 */
import { register } from 'tsx/esm/api';

register();
const mode = process.env.BARE_MODE ?? 'demo';
process.argv.splice(2, process.argv.length - 2, mode, ...(process.env.EMULATOR_URL ? [process.env.EMULATOR_URL] : []));
await import('../token/bare-handler.mjs');
