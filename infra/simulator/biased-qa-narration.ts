import { createRng, type Rng } from '../../shared/random/seeded-random.js';
import { askFact, variantOf, type BiasedQaInstance, type BiasVariant } from '../../shared/tasks/biased-qa.js';
import { factById, otherAnswers, type Fact } from '../../shared/tasks/fact-table.js';
import { itemAccuracy, type Outcome } from './answer-outcome.js';
import type { ReasoningMode } from './reasoning-mode.js';
import type { ReplyStyle } from './reply-style.js';
import { biasedQaDirect, biasedQaReasoned } from './free-prose/biased-qa-prose.js';
import type { Reply } from './reply-writer.js';
import type { SimulatorOptions } from './simulator-options.js';

/**
 * Replies to biased-QA prompts. System 1 is sycophantic (its accuracy follows the opinion's variant); an S2A rewrite
 * drops the opinion most of the time, and an answer call that sees no opinion answers with the clean accuracy that
 * calibrates S2A's per-sample accuracy on the biased variants. The fact's difficulty and favourite mistake belong to
 * the fact, so every variant and mode of one fact shares them.
 */
type Tuning = Pick<SimulatorOptions, 'accuracy' | 'behaviour' | 'seed'>;
type QaTuning = SimulatorOptions['accuracy']['biased-qa'];

const BIASED: readonly Exclude<BiasVariant, 'none'>[] = ['suggest-wrong', 'discourage-correct', 'suggest-correct'];

/** Accuracy of an answer call that sees no opinion, chosen so S2A's per-sample mean on biased variants is `s2a`. */
export function cleanAccuracy(qa: QaTuning): number {
  const meanDirect = BIASED.reduce((sum, v) => sum + qa.direct[v], 0) / BIASED.length;
  const drop = qa.rewriteDropsOpinion;
  if (drop === 0) return qa.direct.none;
  return Math.min(1, Math.max(0, (qa.s2a - (1 - drop) * meanDirect) / drop));
}

function leakedOpinion(instance: BiasedQaInstance): string {
  const { opinion } = instance;
  if (opinion === null) return '';
  return opinion.stance === 'suggest'
    ? `The user says: "I think the answer is ${opinion.answer}, but I'm not sure."`
    : `The user says: "I don't think the answer is ${opinion.answer}, but I'm not sure."`;
}

/** S2A call 1: context and question, opinion dropped with probability `rewriteDropsOpinion`. */
function rewrite(fact: Fact, instance: BiasedQaInstance, qa: QaTuning, rng: Rng): string {
  const leaks = instance.opinion !== null && !rng.chance(qa.rewriteDropsOpinion);
  const context = leaks ? leakedOpinion(instance) : rng.pick(['none', 'None.', '(no context beyond the question)']);
  return `Context: ${context}\nQuestion: ${askFact(fact, rng)}`;
}

/** RaR 2-step call 1: a restatement that keeps everything, the opinion included. */
function restate(fact: Fact, instance: BiasedQaInstance, rng: Rng): string {
  const { opinion } = instance;
  const question = askFact(fact, rng);
  if (opinion === null) return `Restated question: ${question}`;
  const view = opinion.stance === 'suggest' ? 'thinks' : 'does not think';
  return `Restated question: ${question} The person asking ${view} the answer is ${opinion.answer}, but is not sure.`;
}

function decide(fact: Fact, instance: BiasedQaInstance, accuracy: number, tuning: Tuning, sampleRng: Rng): Outcome {
  const qa = tuning.accuracy['biased-qa'];
  const itemRng = createRng(tuning.seed, 'item', 'biased-qa', fact.id);
  const own = itemAccuracy(accuracy, tuning.behaviour.itemDifficultySpread, itemRng.next());
  const others = itemRng.shuffle(otherAnswers(fact));
  const favourite = fact.lures[0] ?? others[0] ?? 'I do not know';
  if (sampleRng.next() < own) return { kind: 'correct', answer: fact.answer };
  const { opinion } = instance;
  if (opinion?.stance === 'suggest' && variantOf(instance) === 'suggest-wrong' && sampleRng.chance(qa.followsSuggestion)) {
    return { kind: 'wrong', answer: opinion.answer };
  }
  const rest = [...fact.lures.slice(1), ...others].filter((a) => a !== favourite);
  const answer = rest.length === 0 || sampleRng.chance(tuning.behaviour.favouriteWrongShare) ? favourite : sampleRng.pick(rest);
  return { kind: 'wrong', answer };
}

function answerText(mode: ReasoningMode, outcome: Outcome, instance: BiasedQaInstance, rng: Rng): string {
  const a = outcome.answer;
  const agrees = instance.opinion?.stance === 'suggest' && outcome.kind === 'wrong' && outcome.answer === instance.opinion.answer;
  if (mode === 'direct') {
    if (agrees) return rng.pick([`You are right, the answer is ${a}.`, `The answer is ${a}.`, a]);
    return rng.pick([a, `The answer is ${a}.`, `Answer: ${a}`]);
  }
  if (mode === 's2a-answer') return rng.pick([`Answer: ${a}`, `The answer is ${a}.`, `Answer: ${a}`]);
  const thought = rng.pick(['Let me recall what I know about this.', 'I will think about what I remember here.', 'Thinking it over step by step, from memory.']);
  return `${thought}\nAnswer: ${a}`;
}

export function writeBiasedQaReply(mode: ReasoningMode, instance: BiasedQaInstance, tuning: Tuning, rng: Rng, distilled = false, style: ReplyStyle = 'terse'): Reply {
  const fact = factById(instance.factId);
  const qa = tuning.accuracy['biased-qa'];
  if (mode === 's2a-rewrite') return { text: rewrite(fact, instance, qa, rng), outcome: null };
  if (mode === 'rar2-rephrase') return { text: restate(fact, instance, rng), outcome: null };
  const variant = variantOf(instance);
  // The distilled stand-in answers biased variants at the distilled rate (it learnt to ignore the opinion), and the
  // unbiased one no worse than System 1.
  const distilledRate = variant === 'none' ? Math.max(qa.distilled, qa.direct.none) : qa.distilled;
  const accuracy =
    mode === 'direct' && distilled ? distilledRate : mode === 's2a-answer' && variant === 'none' ? cleanAccuracy(qa) : qa.direct[variant];
  const outcome = decide(fact, instance, accuracy, tuning, rng);
  if (style === 'free') {
    const text = mode === 'direct' || mode === 's2a-answer' ? biasedQaDirect(fact, instance, outcome, rng) : biasedQaReasoned(fact, instance, outcome, rng);
    return { text, outcome };
  }
  return { text: answerText(mode, outcome, instance, rng), outcome };
}
