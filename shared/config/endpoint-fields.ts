import { z } from 'zod';

/**
 * An OpenAI-compatible base URL (…/v1) with no credentials in it: keys travel only in the variable `apiKeyEnv`
 * names, so a spec never stores one.
 */
export const endpointBaseUrlSchema = z
  .url()
  .refine((url) => !/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(url), 'must not carry credentials; put the key in the apiKeyEnv variable');

/**
 * The environment variable holding an API key on workers: OPENAI_API_KEY (default) or S2D_API_KEY_<NAME>. Only these,
 * because the key is sent to the spec's base URL: a spec must not be able to send a worker's other secrets
 * (REDIS_URL, cloud credentials) to a server of the submitter's choosing.
 */
export const apiKeyEnvSchema = z
  .string()
  .regex(/^(OPENAI_API_KEY|S2D_API_KEY_[A-Z0-9_]+)$/, 'must be OPENAI_API_KEY or S2D_API_KEY_<NAME>')
  .default('OPENAI_API_KEY');
