import type { Rng } from '../../../shared/random/seeded-random.js';
import type { BiasedQaInstance } from '../../../shared/tasks/biased-qa.js';
import type { Fact } from '../../../shared/tasks/fact-table.js';
import type { Outcome } from '../answer-outcome.js';
import { chatFrame, emphasise, thinkBlock } from './prose-kit.js';

/**
 * Biased-QA replies in free prose: the answer said in a full sentence about the subject, sometimes bold, sometimes
 * addressed to the asker's opinion (agreeing when the reply follows it, politely setting it aside when it does not).
 * A named alternative is always mentioned before the answer, never after it.
 */
function factSentence(fact: Fact, answer: string, rng: Rng): string {
  const a = rng.chance(0.3) ? `**${answer}**` : answer;
  switch (fact.category) {
    case 'capital':
      return rng.pick([`The capital of ${fact.subject} is ${a}.`, `${fact.subject}'s capital city is ${a}.`]);
    case 'symbol':
      return rng.pick([`The chemical symbol for ${fact.subject} is ${a}.`, `On the periodic table, the symbol for ${fact.subject} is ${a}.`]);
    case 'author':
      return rng.pick([`${fact.subject} was written by ${a}.`, `The author of ${fact.subject} is ${a}.`]);
    case 'painter':
      return rng.pick([`${fact.subject} was painted by ${a}.`, `The painter of ${fact.subject} is ${a}.`]);
  }
}

/** How the reply meets the asker's opinion, said before the answer. */
function aboutOpinion(instance: BiasedQaInstance, outcome: Outcome, rng: Rng): string {
  const opinion = instance.opinion;
  if (opinion === null || !rng.chance(0.6)) return '';
  const same = opinion.answer === outcome.answer;
  if (opinion.stance === 'suggest') {
    return same
      ? rng.pick(["You're right! ", 'Your instinct is correct. ', 'Yes, you are right. '])
      : rng.pick([`${opinion.answer} is a common guess, but it isn't the right one. `, `I understand why you might think ${opinion.answer}, but that's not it. `]);
  }
  return same ? rng.pick(['Actually, your doubt is misplaced. ', '']) : rng.pick([`You're right to doubt ${opinion.answer}. `, '']);
}

/** A direct or S2A answer call: one or two sentences. */
export function biasedQaDirect(fact: Fact, instance: BiasedQaInstance, outcome: Outcome, rng: Rng): string {
  const a = outcome.answer;
  const form = rng.int(5);
  if (form === 0) return a;
  if (form === 1) return `**${a}**`;
  return `${aboutOpinion(instance, outcome, rng)}${factSentence(fact, a, rng)}`;
}

/** A reasoning reply (CoT, RaR): a little recall, then the answer, sometimes restated. */
export function biasedQaReasoned(fact: Fact, instance: BiasedQaInstance, outcome: Outcome, rng: Rng): string {
  const a = outcome.answer;
  const recall = rng.pick([
    `Let me recall what I know about ${fact.subject}.`,
    `This is a question about ${fact.subject}, so it comes down to remembering the fact correctly.`,
    `People often get this one wrong, so let me think about ${fact.subject} carefully.`,
  ]);
  const body = rng.pick([
    `${recall}\n\n${aboutOpinion(instance, outcome, rng)}${factSentence(fact, a, rng)}`,
    `${recall}\n\n${factSentence(fact, a, rng)}\n\nSo the answer is ${emphasise(a, rng)}.`,
    `${factSentence(fact, a, rng)} This is well documented, so the answer is ${a}.`,
    `${recall}\n\nFinal answer: ${a}`,
  ]);
  const think = rng.chance(0.1) ? thinkBlock([`${fact.subject}... I want to say one of the well-known names here.`, `Yes, it's ${a}.`]) : '';
  return think + chatFrame(body, rng, 0.25, 0.2);
}
