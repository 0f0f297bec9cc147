/** The pure part of the adaptive-sampling benchmark: per-setup figures, the table, and the issue's targets (printed, never asserted). */

/** One sampling setup run over a task's items. */
export interface SetupResult {
  /** e.g. `fixed 8`, `beta ≤8`, `window ≤40`. */
  label: string;
  adaptive: 'beta' | 'window' | null;
  /** A tuned variant of the rule's default policy (e.g. `rejectBelow 0`); absent: the default, which the targets use. */
  variant?: string;
  /** Its row in the summary across tasks (e.g. `adaptive ≤ N`); absent: per-task table only. */
  row?: string;
  /** `sampling.samples`: what a fixed setup draws, the most an adaptive one may. */
  max: number;
  items: number;
  accepted: number;
  /** Accepted items whose curated label equals the gold label. */
  correct: number;
  /** HTTP requests paid (an `n`-capable endpoint serves a step's round in one). */
  requests: number;
  /** Samples drawn over all items. */
  samples: number;
  /** LLM completions used: the requests an endpoint that ignores `n` would get. */
  calls: number;
  /** Prompt + completion tokens paid. */
  tokens: number;
  /** Adaptive setups: items per sampling decision (decided, undecidable, max-samples). */
  decisions: Partial<Record<string, number>>;
}

export interface TaskResult {
  task: string;
  /** e.g. `rar2, vote`. */
  method: string;
  /** The paper's budget for the method. */
  paperN: number;
  setups: SetupResult[];
}

export interface Figures {
  requestsPerItem: number;
  callsPerAccepted: number;
  samplesPerItem: number;
  requestsPerAccepted: number;
  tokensPerAccepted: number;
  acceptance: number;
  accuracy: number;
}

export function figures(r: SetupResult): Figures {
  const perAccepted = (x: number): number => (r.accepted === 0 ? Number.POSITIVE_INFINITY : x / r.accepted);
  return {
    requestsPerItem: r.requests / r.items,
    callsPerAccepted: perAccepted(r.calls),
    samplesPerItem: r.samples / r.items,
    requestsPerAccepted: perAccepted(r.requests),
    tokensPerAccepted: perAccepted(r.tokens),
    acceptance: r.accepted / r.items,
    accuracy: r.accepted === 0 ? 0 : r.correct / r.accepted,
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const num = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');

function stops(setup: SetupResult): string {
  if (setup.adaptive === null) return '';
  const d = setup.decisions;
  return `${d.decided ?? 0} / ${d.undecidable ?? 0} / ${d['max-samples'] ?? 0}`;
}

/** The fixed setup at `max`, the baseline of the adaptive ones at the same maximum. */
function fixedAt(task: TaskResult, max: number): SetupResult | undefined {
  return task.setups.find((s) => s.adaptive === null && s.max === max);
}

/** A markdown table per task: every setup, with its requests per accepted example as a ratio to the fixed setup of the same maximum. */
export function renderAdaptiveTable(tasks: readonly TaskResult[]): string {
  const lines: string[] = [];
  for (const task of tasks) {
    lines.push(`${task.task} (${task.method}; the paper's budget is ${task.paperN})`);
    lines.push('| setup | req/item | samples/item | req/accepted | tokens/accepted | calls/accepted (no `n`) | acceptance | label accuracy | fewer req/accepted than fixed at same max | stopped: decided / undecidable / at max |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const setup of task.setups) {
      const f = figures(setup);
      const base = fixedAt(task, setup.max);
      const ratio = base === undefined ? '' : `${num(figures(base).requestsPerAccepted / f.requestsPerAccepted, 2)}×`;
      lines.push(
        `| ${setup.label} | ${num(f.requestsPerItem)} | ${num(f.samplesPerItem)} | ${num(f.requestsPerAccepted)} | ${num(f.tokensPerAccepted, 0)} | ${num(f.callsPerAccepted)} | ${pct(f.acceptance)} (${setup.accepted}/${setup.items}) | ${pct(f.accuracy)} | ${setup.adaptive === null ? '(baseline)' : ratio} | ${stops(setup)} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/**
 * One markdown table over all tasks: a row per summary row (setups with `row`), a column per task; each cell requests
 * per accepted example (with × fewer than the fixed setup of the same maximum) / tokens per accepted / acceptance /
 * label accuracy. A row a task has no setup for (2N = 40) says so.
 */
export function renderAdaptiveSummary(tasks: readonly TaskResult[]): string {
  const rows: string[] = [];
  for (const task of tasks) for (const s of task.setups) if (s.row !== undefined && !rows.includes(s.row)) rows.push(s.row);
  const lines = [`| setup | ${tasks.map((t) => `${t.task} (${t.method}, N ${t.paperN})`).join(' | ')} |`, `|---|${tasks.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const cells = tasks.map((task) => {
      const setup = task.setups.find((s) => s.row === row);
      if (setup === undefined) return '(as ≤ 40)';
      const f = figures(setup);
      const base = fixedAt(task, setup.max);
      const ratio = setup.adaptive === null || base === undefined ? '' : ` (${num(figures(base).requestsPerAccepted / f.requestsPerAccepted, 2)}×)`;
      return `${num(f.requestsPerAccepted)}${ratio} / ${num(f.tokensPerAccepted, 0)} / ${pct(f.acceptance)} / ${pct(f.accuracy)}`;
    });
    lines.push(`| ${row} | ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

export interface TargetCheck {
  met: boolean;
  target: string;
  detail: string;
}

/** Accuracy difference (adaptive - fixed) in points, with a rough 95% half-width for two independent proportions. */
function accuracyGap(a: SetupResult, b: SetupResult): { points: number; halfWidth: number } {
  const fa = figures(a).accuracy;
  const fb = figures(b).accuracy;
  const variance = (p: number, n: number): number => (n === 0 ? 0 : (p * (1 - p)) / n);
  return { points: 100 * (fa - fb), halfWidth: 100 * 1.96 * Math.sqrt(variance(fa, a.accepted) + variance(fb, b.accepted)) };
}

const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
/** Points as printed (one decimal), so a check never fails on a difference it shows as within the bound. */
const shown = (points: number): number => Math.round(points * 10) / 10;

/**
 * The issue's targets for the default rule (`rule`): at the paper's budget on `paperTargetTasks`, ≥1.5× fewer requests
 * per accepted example, accuracy within 1 point, acceptance within 5; at 40, ≥3× fewer and accuracy within 1 (every
 * task); and whether twice the paper's maximum beats the paper's fixed budget on cost and acceptance (a tie at 100% counts)
 * at equal accuracy.
 */
export function checkAdaptiveTargets(tasks: readonly TaskResult[], rule: 'beta' | 'window', paperTargetTasks: readonly string[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const task of tasks) {
    const adaptiveAt = (max: number): SetupResult | undefined => task.setups.find((s) => s.adaptive === rule && s.variant === undefined && s.max === max);
    const compare = (max: number, minRatio: number, acceptanceWithin: number | null): void => {
      const fixed = fixedAt(task, max);
      const adaptive = adaptiveAt(max);
      if (fixed === undefined || adaptive === undefined) return;
      const ratio = figures(fixed).requestsPerAccepted / figures(adaptive).requestsPerAccepted;
      const gap = accuracyGap(adaptive, fixed);
      const acceptance = 100 * (figures(adaptive).acceptance - figures(fixed).acceptance);
      const met = ratio >= minRatio && Math.abs(shown(gap.points)) <= 1 && (acceptanceWithin === null || Math.abs(shown(acceptance)) <= acceptanceWithin);
      const within = acceptanceWithin === null ? '' : `, acceptance within ${acceptanceWithin} points`;
      checks.push({
        met,
        target: `${task.task}: ${rule} ≤${max} vs fixed ${max}: ≥${minRatio}× fewer requests per accepted example, accuracy within 1 point${within}`,
        detail: `${ratio.toFixed(2)}×, accuracy ${signed(gap.points)} points (±${gap.halfWidth.toFixed(1)} at 95%), acceptance ${signed(acceptance)} points`,
      });
    };
    if (paperTargetTasks.includes(task.task)) compare(task.paperN, 1.5, 5);
    compare(40, 3, null);
    const fixed = fixedAt(task, task.paperN);
    const doubled = adaptiveAt(2 * task.paperN);
    if (fixed !== undefined && doubled !== undefined) {
      const f = figures(fixed);
      const d = figures(doubled);
      const gap = accuracyGap(doubled, fixed);
      checks.push({
        // Both at 100% acceptance nothing can beat the fixed budget's: the tie counts as not losing.
        met: d.requestsPerAccepted < f.requestsPerAccepted && (d.acceptance > f.acceptance || d.acceptance === 1) && shown(gap.points) >= -1,
        target: `${task.task}: ${rule} ≤${2 * task.paperN} beats fixed ${task.paperN} on requests per accepted example AND acceptance (or both 100%), accuracy not 1+ point lower`,
        detail: `req/accepted ${num(d.requestsPerAccepted)} vs ${num(f.requestsPerAccepted)}, acceptance ${pct(d.acceptance)} vs ${pct(f.acceptance)}, accuracy ${signed(gap.points)} points (±${gap.halfWidth.toFixed(1)})`,
      });
    }
  }
  return checks;
}
