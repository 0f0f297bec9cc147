import { createRng, type Rng } from '../../shared/random/seeded-random.js';
import { parsePairScores, sumMerge } from '../../shared/strategies/bsm-parse.js';
import { betterResponse, judgeKindOf, type JudgeKind } from '../../shared/tasks/judge-quality.js';
import type { JudgeRequest } from './judge-mode.js';
import type { SimulatorOptions } from './simulator-options.js';
import type { ReplyStyle } from './reply-style.js';
import { freeCriteria, freeMerge, freeScores, freeVerdict } from './free-prose/judge-prose.js';

type Side = 'A' | 'B';
type Tuning = Pick<SimulatorOptions, 'judge' | 'seed'>;

const other = (side: Side): Side => (side === 'A' ? 'B' : 'A');

const CRITERIA: Record<JudgeKind, readonly string[]> = {
  arithmetic: ['Correctness: whether the final number is the right result', 'Calculation: whether the working shown is sound', 'Directness: whether the result is stated plainly', 'Clarity: whether the response is easy to follow', 'Conciseness: whether it avoids needless text'],
  capital: ['Factual accuracy: whether the named city really is the capital', 'Directness: whether the response answers exactly what was asked', 'Clarity: whether the answer is unambiguous', 'Confidence: whether it avoids hedging', 'Conciseness: whether it avoids needless text'],
  list: ['Instruction following: whether the list has exactly the requested number of items', 'Relevance: whether every item belongs to the category', 'Format: whether the items are listed cleanly', 'Distinctness: whether the items are all different', 'Conciseness: whether it avoids needless text'],
  explain: ['Completeness: whether the explanation is finished and in two full sentences', 'Accuracy: whether the explanation is scientifically right', 'Clarity: whether a layperson could follow it', 'Instruction following: whether it keeps to two sentences', 'Coherence: whether the two sentences connect logically'],
};

/** Item-level state is seeded by the question and the SET of responses, so it is the same whichever order they come in. */
function itemRng(tuning: Tuning, question: string, a: string, b: string): Rng {
  return createRng(tuning.seed, 'judge-item', question, ...[a, b].sort());
}

function branchReply(req: JudgeRequest, prompt: string, rng: Rng, style: ReplyStyle): string {
  const kind = judgeKindOf(req.parts.question ?? '') ?? 'explain';
  const asked = Number(/\bup to (\d+)\b/iu.exec(prompt)?.[1] ?? 5);
  const count = Math.max(1, Math.min(asked, 3 + rng.int(3)));
  if (style === 'free') return freeCriteria(CRITERIA[kind].slice(0, count), rng);
  const lines = CRITERIA[kind].slice(0, count).map((criterion, i) => `${i + 1}. ${criterion}.`);
  return [rng.pick(['Criteria for judging responses to this question:', 'Here are the criteria:', '']), ...lines].filter((l) => l !== '').join('\n');
}

function directReply(better: Side | null, rng: Rng, tuning: Tuning, style: ReplyStyle): string {
  const { firstPositionShare, tieShare, correctShare } = tuning.judge.direct;
  const u = rng.next();
  let verdict: 'A' | 'B' | 'C';
  if (better === null) verdict = rng.pick(['A', 'B', 'C'] as const);
  else if (u < firstPositionShare) verdict = 'A';
  else if (u < firstPositionShare + tieShare) verdict = 'C';
  else if (u < firstPositionShare + tieShare + correctShare) verdict = better;
  else verdict = other(better);
  if (style === 'free') return freeVerdict(verdict, rng);
  return rng.chance(0.85) ? `[[${verdict}]]` : `My verdict: [[${verdict}]]`;
}

/** The distilled stand-in's verdict: item-level (so both orders agree) apart from a small first-position habit. */
function distilledReply(better: Side | null, item: Rng, rng: Rng, tuning: Tuning): string {
  const { correctItemShare, firstPositionShare } = tuning.judge.distilled;
  const right = item.chance(correctItemShare);
  const verdict = rng.chance(firstPositionShare) ? 'A' : better === null ? 'C' : right ? better : other(better);
  return `[[${verdict}]]`;
}

function solveScores(better: Side | null, misjudged: boolean, rng: Rng, tuning: Tuning): { a: number; b: number } {
  const { criterionAccuracy, criterionTieShare, firstPositionShare } = tuning.judge.bsm;
  const high = 3 + rng.int(3);
  const low = Math.max(1, high - 1 - rng.int(2));
  const favour = (side: Side): { a: number; b: number } => (side === 'A' ? { a: high, b: low } : { a: low, b: high });
  if (rng.chance(firstPositionShare)) return favour('A');
  if (better === null) return favour(rng.pick(['A', 'B'] as const));
  const perceived = misjudged ? other(better) : better;
  const u = rng.next();
  if (u < criterionAccuracy) return favour(perceived);
  if (u < criterionAccuracy + criterionTieShare) return { a: Math.min(high, 4), b: Math.min(high, 4) };
  return favour(other(perceived));
}

function solveReply(req: JudgeRequest, prompt: string, better: Side | null, item: Rng, rng: Rng, tuning: Tuning, style: ReplyStyle): string {
  const misjudged = item.chance(tuning.judge.bsm.misjudgedItemShare);
  const { a, b } = solveScores(better, misjudged, rng, tuning);
  const criterion = /^\W*criterion\s*:\s*(.+)$/imu.exec(prompt)?.[1]?.split(':')[0]?.trim() ?? 'this criterion';
  const word = (score: number): string => (score >= 5 ? 'excellent' : score === 4 ? 'good' : score === 3 ? 'adequate' : score === 2 ? 'weak' : 'poor');
  const comment = `On ${criterion.toLowerCase()}, response A is ${word(a)} and response B is ${word(b)}.`;
  if (style === 'free') return freeScores(a, b, comment, rng);
  const form = rng.int(10);
  const scores = form < 7 ? `Score A: ${a}\nScore B: ${b}` : form < 9 ? `Response A: ${a}/5\nResponse B: ${b}/5` : `Scores: [[${a}, ${b}]]`;
  return `${comment}\n${scores}`;
}

function mergeReply(prompt: string, rng: Rng, style: ReplyStyle): string {
  const evaluations = prompt.split(/\[Evaluations\]|\n\s*\n/iu).map(parsePairScores).filter((s) => s !== null);
  const { verdict, totalA, totalB } = sumMerge(evaluations);
  const shown = verdict === 'tie' ? 'C' : verdict;
  if (style === 'free') return freeMerge(totalA, totalB, shown, rng);
  return `${rng.pick(['Adding up the evaluations', 'Taking every criterion into account'])}, response A totals ${totalA} and response B totals ${totalB}.\n[[${shown}]]`;
}

/** The text of one judging reply (labelled simulator behaviour; see docs/methods-and-curation.md). */
export function writeJudgeReply(req: JudgeRequest, prompt: string, rng: Rng, tuning: Tuning, distilled = false, style: ReplyStyle = 'terse'): string {
  const { question, responseA, responseB } = req.parts;
  if (req.mode === 'bsm-branch' || question === null || responseA === null || responseB === null) return branchReply(req, prompt, rng, style);
  const better = betterResponse(question, responseA, responseB);
  // The distilled stand-in writes the bare verdict it was trained to give, whatever the style.
  if (req.mode === 'judge-direct' && distilled) return distilledReply(better, itemRng(tuning, question, responseA, responseB), rng, tuning);
  if (req.mode === 'judge-direct') return directReply(better, rng, tuning, style);
  if (req.mode === 'bsm-merge') return mergeReply(prompt, rng, style);
  return solveReply(req, prompt, better, itemRng(tuning, question, responseA, responseB), rng, tuning, style);
}
