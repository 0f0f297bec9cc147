import { z } from 'zod';

/**
 * An OpenAI-compatible base URL (…/v1) with no credentials in it: keys travel only in the variable `apiKeyEnv`
 * names, so a spec never stores one.
 */
export const endpointBaseUrlSchema = z
  .url()
  .refine((url) => !/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(url), 'must not carry credentials; put the key in the apiKeyEnv variable');

/**
 * The environment variable holding an API key on workers: OPENAI_API_KEY or S2D_API_KEY_<NAME>. Only these, so a
 * spec cannot even name a worker's other secrets (REDIS_URL, cloud credentials). Optional: unset, the workers send
 * the key their operator bound to the endpoint (S2D_ALLOWED_ENDPOINTS), if any; set, it must be that variable —
 * the workers' policy, not the spec, decides which key goes where (shared/trust/endpoint-grants.ts).
 */
export const apiKeyEnvSchema = z
  .string()
  .regex(/^(OPENAI_API_KEY|S2D_API_KEY_[A-Z0-9_]+)$/, 'must be OPENAI_API_KEY or S2D_API_KEY_<NAME>')
  .optional();
