import type { ChatMessage } from '../../../shared/core-types.js';
import type { Completion, Sampler, SamplingParams } from '../../../shared/llm/sampler.js';

export interface RecordedCall {
  messages: readonly ChatMessage[];
  sampleIndices: readonly number[];
  params: SamplingParams;
}

/** Answers a prompt for one sample index; the default echoes where it was asked from. */
export type Responder = (prompt: string, sampleIndex: number) => string;

/** An in-memory Sampler that records every call and answers from `respond`, with usage derived from lengths. */
export class RecordingSampler implements Sampler {
  readonly calls: RecordedCall[] = [];

  constructor(private readonly respond: Responder = (_prompt, index) => `reply ${index}`) {}

  sample(messages: readonly ChatMessage[], sampleIndices: readonly number[], params: SamplingParams): Promise<Completion[]> {
    this.calls.push({ messages: structuredClone(messages), sampleIndices: [...sampleIndices], params });
    const prompt = messages.map((message) => message.content).join('\n');
    return Promise.resolve(
      sampleIndices.map((index) => {
        const text = this.respond(prompt, index);
        return { text, usage: { promptTokens: prompt.length, completionTokens: text.length }, cached: false };
      }),
    );
  }

  /** The single user message content of call `i`. */
  prompt(i: number): string {
    const call = this.calls[i];
    if (call?.messages.length !== 1 || call.messages[0]?.role !== 'user') {
      throw new Error(`call ${i} is not a single user message`);
    }
    return call.messages[0].content;
  }
}
