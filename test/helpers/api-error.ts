import OpenAI from 'openai';

/** The APIError a request made through the `openai` client rejects with; fails when it resolves or throws anything else. */
export async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('expected an APIError');
}
