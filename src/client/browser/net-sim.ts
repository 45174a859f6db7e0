/**
 * The weak tab: every socket of this page goes through the in-client network simulator, so
 * `?net=3g` (or the F2 panel) makes this one tab live on a bad network while the other tabs stay
 * normal. Without `?net` the profile is `ideal`, which passes data straight through; wrapping
 * always is what lets the panel switch a running tab live.
 */
import { systemClock } from '../../shared/system-clock.js';
import { getProfile, PROFILE_NAMES } from '../../shared/netsim-profiles.js';
import { createSimulatedNetwork, type SimulatedNetwork } from '../core/simulated-transport.js';
import type { TransportFactory } from '../core/transport.js';
import { browserTransport } from './browser-transport.js';

export interface NetSetup {
  readonly network: SimulatedNetwork;
  readonly factory: TransportFactory;
  readonly seed: number;
  /** Why the requested ?net= profile was not used, if it was not. */
  readonly warning: string | null;
}

export function setupNetwork(params: URLSearchParams): NetSetup {
  const requested = params.get('net');
  const seedParam = Number(params.get('seed'));
  const seed = Number.isInteger(seedParam) && seedParam > 0 ? seedParam : Math.floor(Math.random() * 0x7fffffff) + 1;
  let profile = 'ideal';
  let warning: string | null = null;
  if (requested) {
    const found = getProfile(requested);
    if (found.ok) profile = requested;
    else warning = `Unknown network profile "${requested}" (known: ${PROFILE_NAMES.join(', ')}); using ideal.`;
  }
  const network = createSimulatedNetwork(browserTransport, {
    profile,
    seed,
    clock: systemClock,
    onEvent: (event, fields) => {
      if (event !== 'profile') console.info(`[netsim] ${event}`, fields);
    },
  });
  if (profile !== 'ideal') console.info(`[netsim] profile ${profile}, seed ${seed} (reproduce with ?net=${profile}&seed=${seed})`);
  return { network, factory: network.factory, seed, warning };
}
