/**
 * The Beta rule's confidence against its price, on the two rar2 tasks the adaptive targets name: fixed N and the rule
 * at several confidences on the same items, one line per setup (requests per accepted example and × fewer than fixed,
 * acceptance, label accuracy). What `docs/benchmarks.md` quotes when it says which confidence a target would need.
 *
 * `node --import tsx bench/adaptive-confidence-sweep.ts`; SWEEP_ITEMS (default 1000), SWEEP_MAX (the maximum
 * samples, default 8), SWEEP_CONFIDENCES (comma-separated, default 0.8,0.85,0.9,0.95,0.97). Not part of `npm run bench`.
 */
import { measureAdaptiveSampling, type Setup } from './adaptive-sampling.js';
import { inProcessSimulatorClient } from './in-process-simulator.js';

const items = Number(process.env.SWEEP_ITEMS ?? 1000);
const max = Number(process.env.SWEEP_MAX ?? 8);
const confidences = (process.env.SWEEP_CONFIDENCES ?? '0.8,0.85,0.9,0.95,0.97').split(',').map(Number);

const setups = (): Setup[] => [
  { label: `fixed ${max}`, max, adaptive: null },
  ...confidences.map((confidence) => ({ label: `beta ${confidence}`, max, adaptive: 'beta' as const, variant: `confidence ${confidence}`, confidence })),
];

console.log(`Beta-rule confidence sweep — ${items} items per task, maximum ${max} samples, LLM simulator (mixed replies), minAgreement 0.5`);
await measureAdaptiveSampling({
  client: inProcessSimulatorClient({ seed: 1, behaviour: { replyStyle: 'mixed' } }),
  items,
  setups,
  tasks: ['last-letter', 'coin-flip'],
  onTask: (task) => {
    const fixed = task.setups[0];
    if (fixed === undefined) return;
    const perAccepted = (s: { requests: number; accepted: number }): number => s.requests / s.accepted;
    for (const s of task.setups) {
      const cells = [
        task.task.padEnd(12),
        s.label.padEnd(11),
        `req/accepted ${perAccepted(s).toFixed(2).padStart(6)}`,
        `${(perAccepted(fixed) / perAccepted(s)).toFixed(2)}× fewer`,
        `acceptance ${((100 * s.accepted) / s.items).toFixed(1)}%`,
        `accuracy ${((100 * s.correct) / s.accepted).toFixed(2)}%`,
      ];
      console.log(`  ${cells.join('   ')}`);
    }
  },
});
