import { z } from 'zod';

const rate = z.number().min(0).max(1);

/**
 * Simulated judging behaviour. Defaults calibrated to the paper (reference/methods.md): the System 1 judge agrees
 * with the better response ~28% of the time and ~80% of its verdicts change when A and B swap; BSM agrees ~64.5%
 * per order with far fewer flips.
 */
export const judgeOptionsSchema = z
  .object({
    direct: z
      .object({
        /** Share of System 1 verdicts that pick the first response whatever it says. Default 0.55. */
        firstPositionShare: rate.default(0.55),
        /** Share that call a tie. Default 0.42. */
        tieShare: rate.default(0.42),
        /** Share that pick the better response on its merits (the rest pick the worse). Default 0.02. */
        correctShare: rate.default(0.02),
      })
      .strict()
      .prefault({}),
    bsm: z
      .object({
        /** Share of items the judge systematically misreads (prefers the worse response in either order). Default 0.2. */
        misjudgedItemShare: rate.default(0.2),
        /** Per solve call: share that score the (perceived) better response higher. Default 0.65. */
        criterionAccuracy: rate.default(0.65),
        /** Per solve call: share that score both the same. Default 0.15. */
        criterionTieShare: rate.default(0.15),
        /** Per solve call: share that favour the first response whatever it says (checked first). Default 0.08. */
        firstPositionShare: rate.default(0.08),
      })
      .strict()
      .prefault({}),
    /**
     * The System 1 judge of a model named as distilled (`distilledModels`): a STAND-IN for a judge fine-tuned on
     * BSM's swap-consistent verdicts, which the simulator cannot be. Defaults give about the paper's distilled judge
     * (72.4% agreement, 9.1% flipped under swap).
     */
    distilled: z
      .object({
        /** Share of items it judges right in both orders (the rest it misjudges in both). Default 0.76. */
        correctItemShare: rate.default(0.76),
        /** Per call: share that pick the first response whatever it says. Default 0.07. */
        firstPositionShare: rate.default(0.07),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});
