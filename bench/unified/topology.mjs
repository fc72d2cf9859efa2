/**
 * The network each scenario models, and how it maps onto the rig. Three round trips matter for call setup:
 *
 *   browserApp    browser ↔ app server        (token request; the unified path's offer POST)
 *   browserOpenAI browser ↔ OpenAI            (the direct path's offer POST)
 *   appOpenAI     app server ↔ OpenAI         (minting the ek_ for the direct path; the unified path's
 *                                              forwarded offer and its sideband WebSocket)
 *
 * Every hop that ends at OpenAI is a `latencyMs` fault on the emulator's route, set before each run for
 * the path that runs: the emulator delays its answer, whoever called. So `realtime.calls` carries the
 * browser→OpenAI round trip in a direct run and the app→OpenAI round trip in a unified run. The app is a
 * real process on loopback and cannot be slowed from outside, so the browser→app round trip is a sleep in
 * this (the "browser") process before each request to the app. Media (ICE, DTLS, SCTP) runs browser ↔
 * OpenAI on both paths and is left at loopback speed: it is the same on both and would add the same
 * round trips to each.
 */

/** @typedef {{ name: string, label: string, browserApp: number, browserOpenAI: number, appOpenAI: number }} Scenario */

/** @param {{ latency: number, near: number }} o @returns {Scenario[]} */
export function scenarios({ latency, near }) {
  return [
    { name: 'loopback', label: 'loopback (no added latency)', browserApp: 0, browserOpenAI: 0, appOpenAI: 0 },
    {
      name: 'equal',
      label: `every hop +${latency} ms (app as far from OpenAI as the browser is)`,
      browserApp: latency,
      browserOpenAI: latency,
      appOpenAI: latency,
    },
    {
      name: 'near',
      label: `browser hops +${latency} ms, app↔OpenAI +${near} ms (app hosted near OpenAI)`,
      browserApp: latency,
      browserOpenAI: latency,
      appOpenAI: near,
    },
  ];
}

/** The emulator faults that make its routes answer as if reached over this scenario's hops. */
export function faultsFor(scenario, path) {
  const faults = [];
  const add = (route, latencyMs) => latencyMs > 0 && faults.push({ route, latencyMs });
  if (path === 'direct') {
    add('client_secrets', scenario.appOpenAI); // the token endpoint mints the ek_ server-side
    add('realtime.calls', scenario.browserOpenAI); // the browser posts its offer to OpenAI itself
  } else {
    add('realtime.calls', scenario.appOpenAI); // the app forwards the offer with its key
    add('realtime.sideband', scenario.appOpenAI); // the app's control WebSocket (not awaited before the answer)
  }
  return faults;
}

/** Round trips each path makes before the answer, as (browser→app, browser→OpenAI, app→OpenAI) counts. */
export const EXPECTED_HOPS = {
  direct: { total: { browserApp: 1, browserOpenAI: 1, appOpenAI: 1 }, sdp: { browserApp: 0, browserOpenAI: 1, appOpenAI: 0 } },
  unified: { total: { browserApp: 2, browserOpenAI: 0, appOpenAI: 1 }, sdp: { browserApp: 1, browserOpenAI: 0, appOpenAI: 1 } },
};

/** The latency a path should add over loopback in a scenario, from the hop counts alone. */
export function modelledMs(scenario, path, part) {
  const hops = EXPECTED_HOPS[path][part];
  return hops.browserApp * scenario.browserApp + hops.browserOpenAI * scenario.browserOpenAI + hops.appOpenAI * scenario.appOpenAI;
}
