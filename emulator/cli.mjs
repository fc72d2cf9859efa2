#!/usr/bin/env node
// `npm run emulator` entry. Flags: --port N, --host H, --quiet (also --port=N form).
// Env: EMULATOR_PORT, EMULATOR_HOST. Default 127.0.0.1:8787.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { startEmulator } from './server.mjs';

/** @param {string[]} argv */
export function parseArgs(argv, env = process.env) {
  /** @type {{ port: number, host: string, quiet: boolean, help?: boolean }} */
  const out = { port: Number(env.EMULATOR_PORT ?? 8787), host: env.EMULATOR_HOST || '127.0.0.1', quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--port' || flag === '-p') out.port = Number(value());
    else if (flag === '--host' || flag === '-H') out.host = String(value());
    else if (flag === '--quiet' || flag === '-q') out.quiet = true;
    else if (flag === '--help' || flag === '-h') out.help = true;
    else throw new Error(`unknown argument: ${argv[i]}`);
  }
  if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535) throw new Error('port must be an integer from 0 to 65535');
  return out;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`emulator: ${/** @type {Error} */ (e).message}`);
    process.exit(2);
  }
  if (args.help) {
    console.log('usage: node emulator/cli.mjs [--port 8787] [--host 127.0.0.1] [--quiet]\nenv: EMULATOR_PORT, EMULATOR_HOST');
    return;
  }
  const emu = await startEmulator({ port: args.port, host: args.host, log: !args.quiet });
  console.log(`OpenAI emulator listening on ${emu.url} (baseURL ${emu.url}/v1)`);
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`emulator: ${signal}, shutting down`);
    await emu.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

function isMain() {
  try {
    return Boolean(process.argv[1]) && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}
if (isMain()) {
  main().catch((e) => {
    console.error(`emulator: ${e?.message ?? e}`);
    process.exit(1);
  });
}
