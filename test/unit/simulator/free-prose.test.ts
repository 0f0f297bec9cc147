import { describe, expect, it } from 'vitest';
import { buildUscPrompt, parseUscSelection } from '../../../shared/curation/usc-prompt.js';
import { renderStructuredPrompt } from '../../../shared/perturbation/structured-input.js';
import { createRng } from '../../../shared/random/seeded-random.js';
import { parseCriteria, parsePairScores } from '../../../shared/strategies/bsm-parse.js';
import { renderSlots } from '../../../shared/strategies/judge-templates.js';
import { rewrittenInput } from '../../../shared/strategies/s2a.js';
import { renderS2aAnswer } from '../../../shared/strategies/s2a-templates.js';
import { DEFAULT_TEMPLATES, type TemplateName } from '../../../shared/strategies/templates.js';
import { factById, otherAnswers } from '../../../shared/tasks/fact-table.js';
import type { TaskName } from '../../../shared/tasks/task-family.js';
import { recogniseTask, solveTask, type GeneratedItem, type RecognisedTask } from '../../../shared/tasks/task-registry.js';
import { wrongAnswers } from '../../../infra/simulator/answer-outcome.js';
import { detectReasoningMode } from '../../../infra/simulator/reasoning-mode.js';
import { writeReply, type Reply } from '../../../infra/simulator/reply-writer.js';
import type { ReplyStyle } from '../../../infra/simulator/reply-style.js';
import { readUscAnswers } from '../../../infra/simulator/usc-answer-reader.js';
import { judgeItems } from './judge-harness.js';
import { ask, items, options, render } from './sim-harness.js';

/**
 * The `free` reply style: deterministic per seed, present in every family and mode, varied in structure, and always
 * carrying the planned answer. The answer a reply carries is checked by a small reader written here, independent of
 * s2d's extractor and of the simulator's own USC reader: the LAST mention of any of the item's candidate answers
 * (its right answer and the wrong answers the simulator can plan), outside a <think> block.
 */
const tuning = options({ seed: 11 });
const FAMILIES: readonly TaskName[] = ['last-letter', 'coin-flip', 'arithmetic', 'biased-qa'];
const ANSWER_TEMPLATES: readonly TemplateName[] = ['system1', 'cot', 'rar1', 'rar2Answer', 's2aAnswer'];

function promptFor(template: TemplateName, item: GeneratedItem): string {
  if (template === 'rar2Answer') return render('rar2Answer', item, item.prompt);
  if (template === 's2aAnswer') {
    const rewrite = `Context: none\nQuestion: ${item.prompt}`;
    return renderS2aAnswer(DEFAULT_TEMPLATES.s2aAnswer, rewrittenInput(rewrite), DEFAULT_TEMPLATES.answerFormat, item.answerType);
  }
  return render(template, item);
}

function replyTo(prompt: string, style: ReplyStyle, seed: number): Reply {
  const task = recogniseTask(prompt);
  return writeReply({ mode: detectReasoningMode(prompt), task, prompt, sampleRng: createRng('free-prose-test', prompt, seed), style }, tuning);
}

/** The answers a reply could plausibly name: the planned one, the right one and the usual mistakes. */
function candidates(task: RecognisedTask, planned: string): string[] {
  const correct = solveTask(task);
  if (task.family === 'biased-qa') {
    const fact = factById(task.instance.factId);
    return [planned, fact.answer, ...fact.lures, ...otherAnswers(fact)];
  }
  return [planned, correct, ...wrongAnswers(task, correct, createRng('any'))];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The test's own reader: the last candidate mentioned after any <think> block (numbers compared without commas). */
function lastMentioned(text: string, task: RecognisedTask, planned: string): string | null {
  const visible = text.replace(/<think>[\s\S]*?<\/think>/g, '');
  if (task.family === 'coin-flip') return /.*\b(yes|no)\b/is.exec(visible)?.[1]?.toLowerCase() ?? null;
  if (task.family === 'arithmetic') return /.*?(-?\d[\d,]*(?:\.\d+)?)(?!.*\d)/s.exec(visible)?.[1]?.replace(/,/g, '') ?? null;
  let best: { at: number; answer: string } | null = null;
  for (const answer of candidates(task, planned)) {
    // Biased-QA answers are names and element symbols: their case matters ("I" is iodine, "I hope" is not).
    // A one-letter symbol counts only where a sentence ends on it ("... is I."), not as the pronoun.
    const end = answer.length === 1 ? '(?=[*_"\'.!]*\\s*$)' : '(?![A-Za-z])';
    for (const m of visible.matchAll(new RegExp(`(?<![A-Za-z])${escape(answer)}${end}`, task.family === 'biased-qa' ? 'gm' : 'gim'))) {
      if (best === null || m.index > best.at || (m.index === best.at && answer.length > best.answer.length)) best = { at: m.index, answer };
    }
  }
  return best?.answer ?? null;
}

function itemsOf(family: TaskName, count: number, seed: number): GeneratedItem[] {
  return items(family, count, seed, family === 'last-letter' ? 4 : family === 'coin-flip' ? 3 : undefined);
}

describe('free reply style', () => {
  it('is deterministic per seed and varies across seeds', () => {
    const free = options({ seed: 3, behaviour: { replyStyle: 'free' } });
    for (const family of FAMILIES) {
      const [item] = itemsOf(family, 1, 1);
      if (item === undefined) throw new Error('no item');
      const cot = render('cot', item);
      const a = ask(free, cot, { n: 6, temperature: 0.8, seed: 4 });
      expect(ask(options({ seed: 3, behaviour: { replyStyle: 'free' } }), cot, { n: 6, temperature: 0.8, seed: 4 })).toEqual(a);
      expect(ask(free, cot, { n: 6, temperature: 0.8, seed: 5 })).not.toEqual(a);
      expect(new Set(ask(free, cot, { n: 3, temperature: 0 })).size).toBe(1);
    }
  });

  it('every family and answer-bearing mode writes free text, and the text carries the planned answer', () => {
    for (const family of FAMILIES) {
      for (const template of ANSWER_TEMPLATES) {
        let labelledLastLine = 0;
        let differsFromTerse = 0;
        let checked = 0;
        for (const [i, item] of itemsOf(family, 40, 2).entries()) {
          const prompt = promptFor(template, item);
          const reply = replyTo(prompt, 'free', i);
          const terse = replyTo(prompt, 'terse', i);
          // Same draws decide the outcome in every style: only the wording changes.
          expect(reply.outcome).toEqual(terse.outcome);
          if (reply.text !== terse.text) differsFromTerse++;
          if (/^\W*(?:final )?answer\W*:/im.test(reply.text.split('\n').at(-1) ?? '')) labelledLastLine++;
          if (reply.outcome === null || reply.outcome.kind === 'unextractable') continue;
          const task = recogniseTask(prompt);
          if (task === null) throw new Error(`not recognised: ${prompt}`);
          checked++;
          const said = lastMentioned(reply.text, task, reply.outcome.answer);
          const want = task.family === 'biased-qa' ? reply.outcome.answer : reply.outcome.answer.toLowerCase();
          expect(said === null ? null : task.family === 'biased-qa' ? said : said.toLowerCase(), `${family} ${template}:\n${reply.text}`).toBe(want);
        }
        expect(checked, `${family} ${template}`).toBeGreaterThan(30);
        expect(differsFromTerse, `${family} ${template}`).toBeGreaterThan(30);
        // Most free replies do not end on a labelled answer line, whatever the template asks.
        expect(labelledLastLine, `${family} ${template}`).toBeLessThan(16);
      }
    }
  });

  it('structural styles vary: at least 5 distinct shapes over 200 seeds in every family', () => {
    const shape = (text: string): string =>
      [
        text.includes('<think>') ? 'think' : '',
        text.includes('|---') ? 'table' : '',
        /^#{2,3} /m.test(text) ? 'heading' : '',
        text.includes('\\boxed{') ? 'boxed' : '',
        /^#### /m.test(text) ? 'gsm8k' : '',
        /^\d+\. /m.test(text) ? 'numbered' : '',
        /^[-*] /m.test(text) ? 'bullets' : '',
        /^(?:Final answer|Answer):/m.test(text) ? 'labelled' : '',
        /^(?:Sure|Great|Of course|Let's|Okay|Alright)\b/.test(text) ? 'opener' : '',
        /\b(?:hope this helps|let me know|happy to explain)/i.test(text) ? 'sign-off' : '',
      ]
        .filter((f) => f !== '')
        .join('+') || 'prose';
    for (const family of FAMILIES) {
      const [item] = itemsOf(family, 1, 5);
      if (item === undefined) throw new Error('no item');
      const shapes = new Map<string, number>();
      for (let seed = 0; seed < 200; seed++) {
        const s = shape(replyTo(render('cot', item), 'free', seed).text);
        shapes.set(s, (shapes.get(s) ?? 0) + 1);
      }
      expect(shapes.size, `${family}: ${JSON.stringify([...shapes])}`).toBeGreaterThanOrEqual(family === 'biased-qa' ? 4 : 8);
      // No one shape dominates.
      expect(Math.max(...shapes.values())).toBeLessThan(family === 'biased-qa' ? 120 : 80);
    }
  });

  it('unfinished replies hedge between two candidates or stop mid-reasoning, committing to neither', () => {
    let hedged = 0;
    let cut = 0;
    for (const family of ['last-letter', 'coin-flip', 'arithmetic'] as const) {
      for (const [i, item] of itemsOf(family, 400, 9).entries()) {
        const reply = replyTo(render('cot', item), 'free', i);
        if (reply.outcome?.kind !== 'unextractable') continue;
        if (/either|might also be|somewhere between/.test(reply.text)) hedged++;
        else {
          expect(reply.text).toMatch(/[a-z]$/);
          cut++;
        }
      }
    }
    expect(hedged).toBeGreaterThan(5);
    expect(cut).toBeGreaterThan(5);
  });

  it('mixed draws terse or free per choice (about mixedFreeShare free), deterministically', () => {
    const mixed = options({ seed: 2, behaviour: { replyStyle: 'mixed', mixedFreeShare: 0.7 } });
    const terse = options({ seed: 2 });
    const [item] = itemsOf('arithmetic', 1, 3);
    if (item === undefined) throw new Error('no item');
    const prompt = render('cot', item);
    const m = ask(mixed, prompt, { n: 400, temperature: 0.8, seed: 1 });
    const t = ask(terse, prompt, { n: 400, temperature: 0.8, seed: 1 });
    const same = m.filter((text, i) => text === t[i]).length;
    // A terse choice of a mixed run is the very reply the terse style writes for that choice.
    expect(same / 400).toBeGreaterThan(0.22);
    expect(same / 400).toBeLessThan(0.38);
    expect(ask(mixed, prompt, { n: 400, temperature: 0.8, seed: 1 })).toEqual(m);
  });

  it('rephrase calls keep the task readable in the free style', () => {
    for (const family of ['last-letter', 'coin-flip', 'arithmetic'] as const) {
      for (const [i, item] of itemsOf(family, 30, 6).entries()) {
        const text = replyTo(render('rar2Rephrase', item), 'free', i).text;
        expect(recogniseTask(text)).toEqual(item.task);
      }
    }
  });

  it('judge replies: free verdicts name the verdict, and BSM steps stay readable by the BSM parsers', () => {
    const free = options({ seed: 4, behaviour: { replyStyle: 'free' } });
    const verdictForms = new Set<string>();
    for (const [i, { instance }] of judgeItems(60, 2).entries()) {
      const { question, responseA, responseB } = instance;
      const slots = { question, response_a: responseA, response_b: responseB };
      const [verdict = ''] = ask(free, renderStructuredPrompt({ kind: 'pair', question, responseA, responseB }, DEFAULT_TEMPLATES), { temperature: 0.8, seed: i });
      expect(verdict).toMatch(/\[\[[ABC]\]\]|Verdict: (?:Assistant|Response) [AB]|Verdict: tie|I prefer (?:Assistant|Response) [AB]/);
      verdictForms.add(verdict.includes('[[') ? (verdict.trim().startsWith('[[') ? 'bare' : 'reasoned brackets') : 'no brackets');
      const [solve = ''] = ask(free, renderSlots(DEFAULT_TEMPLATES.bsmSolve, { ...slots, criterion: 'Correctness: is it right' }), { temperature: 0.8, seed: i });
      expect(parsePairScores(solve), solve).not.toBeNull();
      const [branch = ''] = ask(free, renderSlots(DEFAULT_TEMPLATES.bsmBranch, { question, criteria_count: '4' }), { temperature: 0.8, seed: i });
      expect(parseCriteria(branch, 10).length).toBeGreaterThanOrEqual(3);
      const [merge = ''] = ask(free, renderSlots(DEFAULT_TEMPLATES.bsmMerge, { ...slots, evaluations: 'Score A: 4\nScore B: 2' }), { temperature: 0.8, seed: i });
      expect(merge).toMatch(/\[\[A\]\]$/);
    }
    expect(verdictForms.size).toBe(3);
  });
});

describe("the simulator's USC reader", () => {
  it.each(['cot', 's2aAnswer'] as const)('reads the planned answer of terse and free replies alike (%s)', (template) => {
    for (const family of FAMILIES) {
      for (const style of ['terse', 'free'] as const) {
        let read = 0;
        let total = 0;
        for (const [i, item] of itemsOf(family, 150, 12).entries()) {
          const prompt = promptFor(template, item);
          const reply = replyTo(prompt, style, i);
          if (reply.outcome === null || reply.outcome.kind === 'unextractable') continue;
          // The reader decides the answer kind over a set of responses, as it sees them in a USC prompt.
          const siblings = [1000, 2000].map((offset) => replyTo(prompt, style, i + offset).text);
          const [answer] = readUscAnswers([reply.text, ...siblings]);
          total++;
          if (answer === reply.outcome.answer.toLowerCase()) read++;
          else if (process.env.DEBUG_USC_READER) console.log(family, style, JSON.stringify(readUscAnswers([reply.text, ...siblings])), '\n', [reply.text, ...siblings].join('\n-----\n'));
        }
        expect(read / total, `${family} ${style} ${template}`).toBeGreaterThan(0.95);
      }
    }
  });

  it('a free USC call names a response carrying the majority answer, in a form the USC parser reads', () => {
    const free = options({ seed: 6, behaviour: { replyStyle: 'free' } });
    let majority = 0;
    let trials = 0;
    for (const family of FAMILIES) {
      for (const [t, item] of itemsOf(family, 40, 13).entries()) {
        const prompt = render('cot', item);
        const replies = Array.from({ length: 7 }, (_, i) => replyTo(prompt, 'free', t * 100 + i));
        const counts = new Map<string, number>();
        for (const r of replies) if (r.outcome !== null && r.outcome.kind !== 'unextractable') counts.set(r.outcome.answer.toLowerCase(), (counts.get(r.outcome.answer.toLowerCase()) ?? 0) + 1);
        const top = Math.max(...counts.values());
        const winners = [...counts].filter(([, c]) => c === top);
        if (winners.length !== 1) continue;
        const candidatesShown = replies.map((r, n) => ({ number: n + 1, sampleIndex: n, text: r.text }));
        const [usc = ''] = ask(free, buildUscPrompt(DEFAULT_TEMPLATES.uscSelect, candidatesShown, item.prompt), { temperature: 0.8, seed: t });
        const selection = parseUscSelection(usc, replies.length);
        expect(selection.ok, usc).toBe(true);
        if (!selection.ok) continue;
        trials++;
        const chosen = replies[selection.number - 1]?.outcome;
        if (chosen !== null && chosen !== undefined && chosen.answer.toLowerCase() === winners[0]?.[0]) majority++;
      }
    }
    expect(trials).toBeGreaterThan(60);
    expect(majority / trials).toBeGreaterThan(0.9);
  });
});
