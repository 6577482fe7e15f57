// Injected faults, applied around the real work of a route.
import type { RouteKnobs, RouteName } from './config';
import type { SimulatorState } from './state';

export function knobsFor(state: SimulatorState, routeName: RouteName): RouteKnobs {
  return state.config.routes[routeName] ?? {};
}

/** Latency, then the failRate dice. True means: answer 503 without doing any work. */
export async function failsBeforeWork(state: SimulatorState, routeName: RouteName): Promise<boolean> {
  const knobs = knobsFor(state, routeName);
  await state.timers.sleep(knobs.latencyMs ?? state.config.latencyMs);
  const rate = knobs.failRate ?? 0;
  return rate > 0 && state.random() < rate;
}

/** A configured business refusal: the 4xx status to answer without doing any work. */
export function refusalFor(state: SimulatorState, routeName: RouteName): number | undefined {
  return knobsFor(state, routeName).refuseWith;
}

/** After the work: optional hang; true means answer 500 although the work was done. */
export async function failsAfterWork(state: SimulatorState, routeName: RouteName): Promise<boolean> {
  const knobs = knobsFor(state, routeName);
  if (knobs.hangAfterWorkMs) await state.timers.sleep(knobs.hangAfterWorkMs);
  return knobs.failAfterWork === true;
}

export const INJECTED_FAILURE = { error: 'injected failure' } as const;
export const INJECTED_REFUSAL = { error: 'refused', message: 'refused by the simulator configuration' } as const;
export const INJECTED_FAILURE_AFTER_WORK = { error: 'injected failure after work' } as const;
