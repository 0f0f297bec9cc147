import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { parseSimulatorOptions, startSimulator } from '../../infra/simulator/simulator-server.js';
import { CliError } from '../cli-error.js';
import { intFlag } from '../flag-values.js';
import { parseReplyStyle } from '../reply-style-flag.js';

export const simUsage = `s2d sim [--port P] [--host H] [--seed S] [--config FILE] [--reply-style terse|free|mixed]
  Runs s2d's OpenAI-compatible LLM SIMULATOR (not a model: task-aware, calibrated to the paper, seeded) at
  http://H:P/v1 until SIGTERM/SIGINT. Binds to 127.0.0.1 by default. --config takes a YAML/JSON file of simulator
  options (latency, maxConcurrentSequences, faults, accuracy per task and mode, behaviour, fineTuning.stepMs, batch;
  see infra/simulator/simulator-options.ts). --reply-style sets behaviour.replyStyle: terse (labelled "Answer:" lines),
  free (chat-model prose) or mixed (70% free). Also serves a simulated files, fine-tuning and Batch API (/v1/files,
  /v1/fine_tuning/jobs, /v1/batches). Defaults: port 8000, reply style terse (or the config file's).`;

export async function simCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, host: { type: 'string' }, seed: { type: 'string' }, config: { type: 'string' }, 'reply-style': { type: 'string' } },
    strict: true,
  });
  let fromFile: Record<string, unknown> = {};
  if (values.config !== undefined) {
    try {
      fromFile = (parse(await readFile(values.config, 'utf8')) ?? {}) as Record<string, unknown>;
    } catch (error) {
      // YAML errors come with a multi-line code frame; the first line names the problem and its line.
      throw new CliError(`${values.config}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''}`, 2);
    }
  }
  const port = values.port === undefined ? (fromFile.port ?? 8000) : intFlag(values.port, '--port', 8000, 0, 65_535);
  const replyStyle = values['reply-style'] === undefined ? undefined : parseReplyStyle(values['reply-style'], 'terse');
  const behaviour = (fromFile.behaviour ?? {}) as Record<string, unknown>;
  let options;
  try {
    options = parseSimulatorOptions({
      ...fromFile,
      ...(replyStyle === undefined ? {} : { behaviour: { ...behaviour, replyStyle } }),
      port,
      ...(values.host === undefined ? {} : { host: values.host }),
      ...(values.seed === undefined ? {} : { seed: Number.isInteger(Number(values.seed)) ? Number(values.seed) : values.seed }),
    });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), 2);
  }
  const simulator = await startSimulator(options).catch((error: unknown) => {
    // A port in use or not ours to bind: a known failure, not a crash.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new CliError(`cannot listen on ${options.host}:${options.port} (${code})`);
    throw error;
  });
  process.stderr.write(`s2d LLM SIMULATOR (not a real model) listening at ${simulator.baseUrl}, ${simulator.options.behaviour.replyStyle} replies\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await simulator.close();
  return 0;
}
