/**
 * Median / p90 of the measured setups per scenario and path, the unified/direct ratios, and the
 * printed table. Quantiles interpolate linearly between the sorted samples (the usual "type 7").
 */
import { modelledMs } from './topology.mjs';

export const round = (n, d = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : n);

export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.ceil(i)] - s[lo]) * (i - lo);
}

const STAGES = ['tokenMs', 'peerMs', 'sdpMs', 'channelMs', 'sessionCreatedMs'];

function summarise(runs) {
  const of = (key) => runs.map((r) => r[key]);
  const stat = (key) => ({ median: round(quantile(of(key), 0.5)), p90: round(quantile(of(key), 0.9)) });
  return {
    n: runs.length,
    total: stat('totalMs'),
    sdp: stat('sdpMs'),
    stagesMedianMs: Object.fromEntries(STAGES.map((k) => [k, round(quantile(of(k), 0.5))])),
  };
}

/** @param {import('./topology.mjs').Scenario} scenario */
export function scenarioReport(scenario, runs) {
  const direct = summarise(runs.direct);
  const unified = summarise(runs.unified);
  const compare = (part) => ({
    ratioMedian: round(unified[part].median / direct[part].median, 2),
    ratioP90: round(unified[part].p90 / direct[part].p90, 2),
    addedMedianMs: round(unified[part].median - direct[part].median),
    modelledAddedMs: modelledMs(scenario, 'unified', part) - modelledMs(scenario, 'direct', part),
  });
  return { scenario, direct, unified, total: compare('total'), sdp: compare('sdp'), samples: runs };
}

export function printReport(reports, runs) {
  console.log(`\nCall setup, direct (ek_ → OpenAI) vs unified (offer → app → OpenAI), ${runs} runs each, ms`);
  for (const r of reports) {
    console.log(`\n  ${r.scenario.label}`);
    for (const [part, name] of [['total', 'token → session.created'], ['sdp', 'offer POST → answer']]) {
      const d = r.direct[part];
      const u = r.unified[part];
      const c = r[part];
      console.log(
        `    ${name.padEnd(24)} direct ${fmt(d.median)} (p90 ${fmt(d.p90)}) | unified ${fmt(u.median)} (p90 ${fmt(u.p90)})` +
          ` | ratio ${c.ratioMedian.toFixed(2)}× (p90 ${c.ratioP90.toFixed(2)}×), ${sign(c.addedMedianMs)} ms (model ${sign(c.modelledAddedMs)})`,
      );
    }
    const stages = (s) => Object.entries(s.stagesMedianMs).map(([k, v]) => `${k.replace(/Ms$/, '')} ${v}`).join(', ');
    console.log(`    stages (median): direct ${stages(r.direct)}`);
    console.log(`                     unified ${stages(r.unified)}`);
  }
}

const fmt = (n) => n.toFixed(1).padStart(6);
const sign = (n) => `${n >= 0 ? '+' : ''}${n.toFixed(0)}`;
