import OpenAI from 'openai';
import { chatRequestSchema, flattenMessages } from '../infra/simulator/chat-request.js';
import { planCompletion } from '../infra/simulator/completion-plan.js';
import { parseSimulatorOptions, type SimulatorOptionsInput } from '../infra/simulator/simulator-options.js';
import { SIMULATOR_FINGERPRINT } from '../infra/simulator/simulator-server.js';
import { SIMULATOR_UNRECOGNISED_FINGERPRINT } from '../shared/llm/simulator-fingerprint.js';

/**
 * An `openai` client whose transport answers in-process from the simulator's planner — the same replies, `n`
 * choices and usage the simulator's HTTP server returns for the same request (the benchmark checks this on a sample)
 * — without the ~3 ms an HTTP round trip to a server in the same process costs, so a benchmark can run thousands
 * of items per setup. Everything from the client up (request building, `n`, usage split, call cache) is the
 * production code. Latency, faults and concurrency limits are not simulated.
 */
export function inProcessSimulatorClient(input: SimulatorOptionsInput = {}): OpenAI {
  const options = parseSimulatorOptions(input);
  const transport = (_url: unknown, init?: { body?: unknown }): Promise<Response> => {
    const request = chatRequestSchema.parse(JSON.parse(String(init?.body)));
    const plan = planCompletion(request, flattenMessages(request), options);
    const body = {
      id: 'chatcmpl-sim-in-process',
      object: 'chat.completion',
      created: 0,
      model: request.model,
      system_fingerprint: plan.recognised ? SIMULATOR_FINGERPRINT : SIMULATOR_UNRECOGNISED_FINGERPRINT,
      choices: plan.choices.map((choice, index) => ({ index, message: { role: 'assistant', content: choice.text, refusal: null }, logprobs: null, finish_reason: choice.finishReason })),
      usage: { prompt_tokens: plan.promptTokens, completion_tokens: plan.completionTokens, total_tokens: plan.promptTokens + plan.completionTokens },
    };
    return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }));
  };
  return new OpenAI({ baseURL: 'http://in-process.simulator.invalid/v1', apiKey: 'no-key', fetch: transport, maxRetries: 0 });
}
