import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { evalResultKey } from '../../shared/eval/eval-keys.js';
import { parseEvalResult, type EvalResult } from '../../shared/eval/eval-result.js';
import { buildReport, renderReportMarkdown } from '../../shared/eval/render-report.js';
import { renderReportHtml } from '../../shared/eval/report-html/render-report-html.js';
import { CliError } from '../cli-error.js';

export const reportUsage = `s2d report <result.json|evalId>... [--dir DIR] [--json] [--out FILE] [--html FILE]
  Renders eval results as the paper-style table: rows per task, columns System 1 / each System 2 method /
  user-labelled columns (e.g. distilled), accuracy and mean generated tokens per item. Eval ids are looked up in
  DIR/evals/<evalId>/result.json (default DIR ./datasets). Markdown by default; --json prints the report as JSON;
  --out also writes the Markdown to FILE; --html writes the report with charts (accuracy per task, tokens per item on a
  log scale, cost per correct answer) to FILE as one self-contained HTML page.`;

async function readResult(arg: string, dir: string): Promise<EvalResult> {
  const path = existsSync(arg) ? resolve(arg) : join(resolve(dir), evalResultKey(arg));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new CliError(`${arg}: neither a result file nor an eval id with a result under ${resolve(dir)} (${path})`);
  }
  try {
    return parseEvalResult(JSON.parse(text), path);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
}

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { dir: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string' }, html: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) throw new CliError(`no eval results given\n${reportUsage}`);
  const results = await Promise.all(positionals.map((arg) => readResult(arg, values.dir ?? 'datasets')));
  const report = buildReport(results);
  const markdown = renderReportMarkdown(report);
  if (values.out !== undefined) await writeFile(values.out, markdown);
  if (values.html !== undefined) {
    await writeFile(values.html, renderReportHtml(report));
    process.stderr.write(`wrote ${resolve(values.html)}\n`);
  }
  process.stdout.write(values.json === true ? `${JSON.stringify({ ...report, markdown })}\n` : markdown);
  return 0;
}
