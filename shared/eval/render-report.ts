import { formatUsd } from '../cost/usd.js';
import type { EvalResult } from './eval-result.js';
import { methodCosts, type MethodCost } from './report-costs.js';

/**
 * The paper-style comparison: rows per task, one column per eval "column" (System 1, each System 2 method, a
 * user-labelled one such as "distilled"), each cell accuracy AND mean generated tokens per item.
 */
export interface ReportColumn {
  key: string;
  strategy: string;
  system: 1 | 2;
  model: string;
  samples: number;
  /** True when the endpoint was the s2d simulator: the column's numbers are simulated. */
  simulator: boolean | null;
  evalIds: string[];
}

export interface ReportCell {
  items: number;
  accuracy: number;
  tokensPerItem: number;
  inconsistencyRate?: number;
  /** Prompt + completion tokens per correct answer (null: none correct); absent for results without `spend`. */
  tokensPerCorrect?: number | null;
  /** US dollars per item and per correct answer; null without prices; absent for results without `spend`. */
  usdPerItem?: number | null;
  usdPerCorrect?: number | null;
}

export interface Report {
  schemaVersion: 1;
  kind: 's2d.report';
  columns: ReportColumn[];
  rows: { task: string; cells: Record<string, ReportCell | null> }[];
  /** What each column (method) cost over its evals, in column order. */
  costs: MethodCost[];
}

/** Column order: System 1, then System 2 methods, then user-labelled columns (e.g. "distilled"), each by first appearance. */
function group(result: EvalResult): number {
  if (result.column !== result.strategy.name) return 2;
  return result.strategy.system === 1 ? 0 : 1;
}

/** Per-task metrics of a result: its `task` breakdown when the labels carry one, else the whole eval under its name. */
function tasksOf(result: EvalResult): [string, ReportCell][] {
  const cell = (m: EvalResult['metrics']): ReportCell => ({
    items: m.items,
    accuracy: m.accuracy,
    tokensPerItem: m.tokensPerItem,
    ...(m.inconsistency === undefined ? {} : { inconsistencyRate: m.inconsistency.rate }),
    ...(m.spend === undefined
      ? {}
      : { tokensPerCorrect: m.spend.perCorrect?.tokens ?? null, usdPerItem: m.spend.perItem.usd, usdPerCorrect: m.spend.perCorrect?.usd ?? null }),
  });
  const byTask = result.breakdowns.task;
  if (byTask !== undefined && Object.keys(byTask).length > 0) return Object.entries(byTask).map(([task, m]) => [task, cell(m)]);
  return [[result.name, cell(result.metrics)]];
}

export function buildReport(results: readonly EvalResult[]): Report {
  const columns = new Map<string, ReportColumn & { group: number; order: number }>();
  const cells = new Map<string, Map<string, ReportCell>>();
  const taskOrder: string[] = [];
  results.forEach((result, order) => {
    const key = result.column;
    const column = columns.get(key) ?? {
      key,
      strategy: result.strategy.name,
      system: result.strategy.system,
      model: result.model.name,
      samples: result.samples,
      simulator: result.simulator,
      evalIds: [],
      group: group(result),
      order,
    };
    column.evalIds.push(result.evalId);
    if (column.model !== result.model.name) column.model = `${column.model}, ${result.model.name}`;
    if (result.simulator === true) column.simulator = true;
    columns.set(key, column);
    for (const [task, cell] of tasksOf(result)) {
      if (!taskOrder.includes(task)) taskOrder.push(task);
      const row = cells.get(task) ?? new Map<string, ReportCell>();
      row.set(key, cell); // a later eval of the same task and column replaces an earlier one
      cells.set(task, row);
    }
  });
  const ordered = [...columns.values()].sort((a, b) => a.group - b.group || a.order - b.order);
  return {
    schemaVersion: 1,
    kind: 's2d.report',
    columns: ordered.map(({ group: _group, order: _order, ...column }) => column),
    rows: [...taskOrder].sort().map((task) => ({
      task,
      cells: Object.fromEntries(ordered.map((column) => [column.key, cells.get(task)?.get(column.key) ?? null])),
    })),
    costs: methodCosts(results, ordered.map((column) => column.key)),
  };
}

const usdCell = (value: number | null): string => (value === null ? '–' : formatUsd(value));

/** The per-method cost table under the accuracy table, and what it means. */
function costLines(report: Report): string[] {
  const byKey = new Map(report.columns.map((c) => [c.key, c]));
  const lines = [
    '',
    '| method | items | correct | tok/item | tok/correct | USD/item | USD/correct | paid requests |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const cost of report.costs) {
    const column = byKey.get(cost.key);
    const name = column === undefined ? cost.key : title(column);
    lines.push(
      `| ${name} | ${cost.items} | ${cost.correct} | ${cost.tokensPerItem.toFixed(1)} | ${cost.tokensPerCorrect === null ? '–' : cost.tokensPerCorrect.toFixed(1)} | ` +
        `${usdCell(cost.usdPerItem)} | ${usdCell(cost.usdPerCorrect)} | ${cost.paidRequests ?? '–'} |`,
    );
  }
  const unpriced = report.costs.filter((c) => c.usd === null).map((c) => c.key);
  lines.push(
    '',
    'Cost per method, summed over its evals: tok = prompt + completion tokens as the endpoint reported them, every intermediate call ' +
      'counted; per correct = what one right answer costs; paid requests = requests the workers paid for, retries included.' +
      (unpriced.length === 0 ? '' : ` No prices given for ${unpriced.join(', ')}: tokens only (set model.prices in the eval spec for US dollars).`),
  );
  return lines;
}

/** A column's name for people: "System 1" for the system1 column, else its key (a strategy or a --label). */
export function columnName(column: ReportColumn): string {
  return column.key === 'system1' ? 'System 1' : column.key;
}

function title(column: ReportColumn): string {
  return column.simulator === true ? `${columnName(column)} †` : columnName(column);
}

/** Markdown: one accuracy and one tokens column per report column, then notes on where each column came from. */
export function renderReportMarkdown(report: Report): string {
  const header = ['task', ...report.columns.flatMap((c) => [`${title(c)} acc`, `${title(c)} tok`])];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_h, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const row of report.rows) {
    const cells = report.columns.flatMap((c) => {
      const cell = row.cells[c.key];
      if (cell === null || cell === undefined) return ['–', '–'];
      const flip = cell.inconsistencyRate === undefined ? '' : ` (${(cell.inconsistencyRate * 100).toFixed(1)}% flip)`;
      return [`${(cell.accuracy * 100).toFixed(1)}%${flip}`, cell.tokensPerItem.toFixed(1)];
    });
    lines.push(`| ${[row.task, ...cells].join(' | ')} |`);
  }
  lines.push('', 'acc = accuracy (agreement for judge tasks) on the labelled set; tok = mean generated tokens per item, every intermediate call counted.');
  for (const c of report.columns) {
    lines.push(`- **${title(c)}**: strategy \`${c.strategy}\` (System ${c.system}), ${c.samples} sample(s), model \`${c.model}\`; evals ${c.evalIds.join(', ')}`);
  }
  lines.push(...costLines(report));
  if (report.columns.some((c) => c.simulator === true)) {
    lines.push(
      '',
      '† Produced by the s2d LLM **simulator**, not a real model: accuracies are the simulator\'s configured rates (calibrated to the paper). ' +
        'The simulator cannot be fine-tuned, so a "distilled" column on it is a System 1 eval of a model name the simulator treats as ' +
        'distilled (`distilledModels`), answering at its configured `accuracy.<task>.distilled` rate — a stand-in, not a fine-tuned model.',
    );
  }
  return `${lines.join('\n')}\n`;
}
