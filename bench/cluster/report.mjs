/**
 * The cluster benchmark's summary: per mode, one row per case and the ratios that matter (3-vs-1
 * scaling of the app and of the bare baseline, app vs. baseline behind the same nginx, nginx vs. a
 * direct hit), printed as a console table and as the markdown table docs/benchmarks.md carries.
 */
import { round } from './load.mjs';

/** The architecture's memory limit per app instance (system-architecture.md, Resource Management). */
export const MEMORY_BUDGET_MB = 512;

const row = (run) => {
  const m = run.measured;
  return {
    label: run.label,
    throughput: m.throughput,
    p50: m.latencyMs.p50,
    p99: m.latencyMs.p99,
    requests: m.requests,
    non2xx: m.non2xx,
    fivexx: m.fivexx,
    errors: m.errors + m.timeouts,
    peakRssMb: Math.max(...m.memory.map((x) => x.peakMb)),
    serverCores: round(m.cpu.instances.reduce((a, b) => a + b, 0)),
    nginxCores: m.cpu.others.nginx ?? 0,
    redisCores: m.cpu.others['redis-server'] ?? 0,
    emulatorCores: m.cpu.others.node ?? 0, // the only other node process the runner starts
    autocannonCores: m.cpu.loadGenerator,
    machineBusy: m.cpu.machineBusy,
    foreignCores: m.cpu.foreign,
    // CPU of everything this benchmark runs (servers, nginx, Redis, emulator, autocannon) per successful request.
    contextSwitchesPerRequest: m.contextSwitchesPerRequest,
    cpuUsPerRequest: round(((m.cpu.machineBusy - m.cpu.foreign) / m.throughput) * 1e6, 0),
    ...(run.tokensPerInstance ? { tokensPerInstance: run.tokensPerInstance } : {}),
  };
};

export function summarise(runs, modes) {
  return modes.map((mode) => {
    const find = (target, instances, path = 'nginx') => runs.find((r) => r.mode === mode && r.target === target && r.instances === instances && r.path === path);
    const cases = [find('app', 1), find('app', 3), find('app', 1, 'direct'), find('bare', 1), find('bare', 3)].filter(Boolean).map(row);
    const t = (label) => cases.find((c) => c.label === label)?.throughput ?? NaN;
    return {
      mode,
      cases,
      ratios: {
        appScaling3v1: round(t('app ×3 via nginx') / t('app ×1 via nginx'), 2),
        bareScaling3v1: round(t('bare ×3 via nginx') / t('bare ×1 via nginx'), 2),
        appVsBare1: round(t('app ×1 via nginx') / t('bare ×1 via nginx'), 2),
        appVsBare3: round(t('app ×3 via nginx') / t('bare ×3 via nginx'), 2),
        nginxVsDirect1: round(t('app ×1 via nginx') / t('app ×1 direct'), 2),
      },
    };
  });
}

const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : String(n));

export function printSummary(summary, rateLimit, opts) {
  const lines = ['', `Summary (${opts.connections} connections, ${opts.warmup} s warm-up + ${opts.duration} s measured per case, one run each)`];
  for (const s of summary) {
    lines.push(
      '',
      `Mode: ${s.mode}`,
      `  ${'case'.padEnd(20)}${'req/s'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'non-2xx'.padStart(9)}${'5xx'.padStart(5)}${'errors'.padStart(8)}` +
        `${'peak RSS'.padStart(10)}${'CPU: app'.padStart(10)}${'nginx'.padStart(7)}${'redis'.padStart(7)}${'emu'.padStart(6)}${'load gen'.padStart(10)}${'foreign'.padStart(9)}${'µs CPU/req'.padStart(12)}${'ctx sw/req'.padStart(11)}`,
    );
    for (const c of s.cases) {
      lines.push(
        `  ${c.label.padEnd(20)}${fmt(c.throughput).padStart(8)}${fmt(c.p50, 2).padStart(9)}${fmt(c.p99, 2).padStart(9)}${String(c.non2xx).padStart(9)}` +
          `${String(c.fivexx).padStart(5)}${String(c.errors).padStart(8)}${`${fmt(c.peakRssMb, 0)} MB`.padStart(10)}${fmt(c.serverCores, 2).padStart(10)}` +
          `${fmt(c.nginxCores, 2).padStart(7)}${fmt(c.redisCores, 2).padStart(7)}${fmt(c.emulatorCores, 2).padStart(6)}${fmt(c.autocannonCores, 2).padStart(10)}${fmt(c.foreignCores, 2).padStart(9)}${fmt(c.cpuUsPerRequest).padStart(12)}${fmt(c.contextSwitchesPerRequest, 2).padStart(11)}`,
      );
    }
    const r = s.ratios;
    lines.push(
      `  scaling 3 vs 1 instance: app ${r.appScaling3v1}×, bare baseline ${r.bareScaling3v1}×   app/bare: ${r.appVsBare1} (×1), ${r.appVsBare3} (×3)   nginx/direct (×1): ${r.nginxVsDirect1}`,
    );
  }
  if (rateLimit) {
    lines.push(
      '',
      `Rate limit: RATE_LIMIT_PER_IP_PER_MINUTE=${rateLimit.limit}, ${rateLimit.instances} instances, ${rateLimit.connections} connections, ${rateLimit.seconds} s: ` +
        `${rateLimit.requests} requests, admitted ${rateLimit.admitted} (${rateLimit.admittedPerInstance.join(' + ')}), ${JSON.stringify(rateLimit.statuses)}`,
    );
  }
  lines.push('', 'Markdown (docs/benchmarks.md):', ...markdown(summary, rateLimit));
  console.log(lines.join('\n'));
}

export function markdown(summary, rateLimit) {
  const out = ['| mode | case | req/s | p50 ms | p99 ms | non-2xx (5xx) | peak RSS / instance | CPU µs / request | ratio |', '|---|---|---:|---:|---:|---:|---:|---:|---|'];
  for (const s of summary) {
    const r = s.ratios;
    const ratio = {
      'app ×3 via nginx': `${r.appScaling3v1}× app ×1 (scaling)`,
      'app ×1 direct': `nginx/direct ${r.nginxVsDirect1}`,
      'bare ×1 via nginx': `app/bare ${r.appVsBare1}`,
      'bare ×3 via nginx': `${r.bareScaling3v1}× bare ×1; app/bare ${r.appVsBare3}`,
    };
    for (const c of s.cases) {
      out.push(
        `| ${s.mode} | ${c.label} | ${fmt(c.throughput)} | ${fmt(c.p50, 2)} | ${fmt(c.p99, 2)} | ${c.non2xx} (${c.fivexx}) | ${fmt(c.peakRssMb)} MB | ${fmt(c.cpuUsPerRequest)} | ${ratio[c.label] ?? '—'} |`,
      );
    }
  }
  if (rateLimit) out.push('', `Rate limit ${rateLimit.limit}/min, ${rateLimit.connections} connections, 3 instances: **${rateLimit.admitted} admitted** (${rateLimit.admittedPerInstance.join(' + ')}) of ${rateLimit.requests}.`);
  return out;
}
