import type { Rng } from '../../shared/random/seeded-random.js';
import type { SimulatorOptions } from './simulator-options.js';

/** Faults the simulator can inject: error statuses, or a slow (but successful) reply. */
export const FAULT_KINDS = ['429', '500', '503', 'slow', 'poison'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The request header that forces a fault on one request (tests use it to hit a path exactly once). */
export const FAULT_HEADER = 'x-sim-fault';

export type FaultDecision = { ok: true; fault: FaultKind | null } | { ok: false; message: string };

/** A poison prompt always fails; then the header wins; otherwise each configured rate is tried in turn with one draw. */
export function decideFault(header: string | undefined, faults: SimulatorOptions['faults'], rng: Rng, requestText = ''): FaultDecision {
  if (faults.poisonMarker !== undefined && requestText.includes(faults.poisonMarker)) return { ok: true, fault: 'poison' };
  if (header !== undefined && header.trim() !== '') {
    const kind = header.trim().toLowerCase();
    if ((FAULT_KINDS as readonly string[]).includes(kind)) return { ok: true, fault: kind as FaultKind };
    return { ok: false, message: `${FAULT_HEADER} must be one of ${FAULT_KINDS.join(', ')}; got "${header}"` };
  }
  const draw = rng.next();
  let edge = 0;
  for (const [kind, rate] of [
    ['429', faults.rate429],
    ['500', faults.rate500],
    ['503', faults.rate503],
    ['slow', faults.rateSlow],
  ] as const) {
    edge += rate;
    if (draw < edge) return { ok: true, fault: kind };
  }
  return { ok: true, fault: null };
}
