/**
 * Runs the OpenAI emulator (emulator/server.mjs) in its own process, so in a benchmark it neither
 * shares an event loop with the load generator nor with the server under test. Prints one JSON line
 * `{"event":"listening","url":"http://127.0.0.1:N"}` on stdout; SIGTERM/SIGINT close it.
 *
 *   node bench/token/emulator-process.mjs [--port N]
 */
import { startEmulator } from '../../emulator/server.mjs';

const portFlag = process.argv.indexOf('--port');
const port = portFlag > 0 ? Number(process.argv[portFlag + 1]) : 0;

const emu = await startEmulator({ port, log: false });
process.stdout.write(`${JSON.stringify({ event: 'listening', url: emu.url, port: emu.port })}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(1), 3_000);
  force.unref();
  await emu.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
