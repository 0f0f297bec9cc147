/**
 * The one place that scrubs credentials out of free text (endpoint error messages, failure reasons) before it reaches
 * logs, rejects or run records. Pattern-based, plus the exact values of secrets this process knows (the configured
 * API keys), so a key that matches no pattern is still caught when an endpoint echoes it back.
 */

const CENSOR = '[redacted]';

const PATTERNS: readonly [RegExp, string][] = [
  // URL userinfo: scheme://user:pass@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi, `$1${CENSOR}@`],
  // Authorization header values
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${CENSOR}`],
  // key=value / "key": "value" for credential-like names
  [
    /\b((?:api[_-]?key|access[_-]?key|secret|token|password|passwd|authorization|x-api-key)["']?\s*[:=]\s*["']?)[^\s"'&,;}]{4,}/gi,
    `$1${CENSOR}`,
  ],
  // Well-known key shapes: OpenAI-style sk-…, Hugging Face hf_…, GitHub ghp_…/gho_…, Slack xox?-…, AWS access key ids
  [/\bsk-[A-Za-z0-9_-]{8,}/g, `sk-${CENSOR}`],
  [/\bhf_[A-Za-z0-9]{8,}/g, `hf_${CENSOR}`],
  [/\bgh[pousr]_[A-Za-z0-9]{8,}/g, CENSOR],
  [/\bxox[abprs]-[A-Za-z0-9-]{8,}/g, CENSOR],
  [/\bAKIA[0-9A-Z]{16}\b/g, CENSOR],
];

/** Shortest value registered as a known secret: shorter ones would censor ordinary words. */
const MIN_KNOWN_SECRET_LENGTH = 8;

// Process-wide on purpose: a secret registered where it is read (the worker's run context) must be scrubbed wherever
// text is later logged or recorded, without threading it through every call.
const knownSecrets = new Set<string>();

/** Registers a secret value (e.g. the API key read from the environment) to be censored verbatim from now on. */
export function registerSecret(value: string | undefined): void {
  if (value !== undefined && value.length >= MIN_KNOWN_SECRET_LENGTH) knownSecrets.add(value);
}

/** `text` with every credential-looking substring and every registered secret replaced by "[redacted]". */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of knownSecrets) out = out.split(secret).join(CENSOR);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Applies redactSecrets to every string inside a JSON-like value (for structured log records). */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((entry) => redactDeep(entry, depth + 1));
  if (value instanceof Error) return redactSecrets(value.message);
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) out[key] = redactDeep(entry, depth + 1);
  return out;
}
