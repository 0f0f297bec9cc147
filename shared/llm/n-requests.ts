import type { CallCache } from './call-cache.js';
import type { NSupport } from './openai-sampler.js';

/**
 * Whether requests ask for `n` choices: always with `useN: always`, never with `never`, and with `auto` until the
 * endpoint has been seen to ignore `n`. The online and the batch sampler decide it alike, so a batch line asks for
 * exactly what the online request would.
 */
export function requestsUseN(useN: 'auto' | 'always' | 'never', nSupport: NSupport): boolean {
  return useN !== 'never' && (useN === 'always' || nSupport.honoured !== false);
}

/**
 * The uncached indices after the last missing one, up to `prefetchUntil`, that may ride in the same `n` request;
 * none when requests go one per index (prefetching would then cost a request each).
 */
export async function prefetchableIndices(
  missing: readonly number[],
  prefetchUntil: number | undefined,
  usesN: boolean,
  cache: CallCache,
  keyOf: (index: number) => string,
): Promise<number[]> {
  const last = Math.max(...missing);
  if (prefetchUntil === undefined || prefetchUntil <= last + 1 || !usesN) return [];
  const after = Array.from({ length: prefetchUntil - last - 1 }, (_unused, offset) => last + 1 + offset);
  const cached = await cache.getMany(after.map(keyOf));
  return after.filter((_index, position) => cached[position] === null);
}
