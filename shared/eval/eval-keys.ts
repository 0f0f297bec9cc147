/**
 * Where an eval lives. Artifact store (durable): `evals/<evalId>/labels.jsonl` (written by the submitter, read only
 * by the finaliser), `evals/<evalId>/items/<bucket>/<index>.json` (one record per item, first write final) and
 * `evals/<evalId>/result.json` (written last). Redis (in flight): one hash and one done bitmap per eval.
 */
const BUCKET_SIZE = 1000;

export function evalDir(evalId: string): string {
  return `evals/${evalId}`;
}

export function evalLabelsKey(evalId: string): string {
  return `${evalDir(evalId)}/labels.jsonl`;
}

export function evalResultKey(evalId: string): string {
  return `${evalDir(evalId)}/result.json`;
}

export function evalItemKey(evalId: string, index: number): string {
  const bucket = String(Math.floor(index / BUCKET_SIZE)).padStart(6, '0');
  return `${evalDir(evalId)}/items/${bucket}/${index}.json`;
}

export interface EvalRedisKeys {
  /** Hash: spec, total, done, errored, state. */
  eval: string;
  /** Bitmap: bit i set once item i's record is durable and counted. */
  done: string;
  /** Sorted set of eval ids by submit time. */
  index: string;
}

export function evalRedisKeys(prefix: string, evalId: string): EvalRedisKeys {
  // Not `<prefix>:eval:…`: that is the eval queue's namespace in BullMQ (job hashes, `meta`, `id`, `wait`…), where an
  // eval id like `meta` or another eval's job id would land on one of its keys. `{<evalId>}`: the hash and its bitmap
  // share a Redis Cluster slot (mark-done, finalise touch both); the index is global and never in their scripts.
  return { eval: `${prefix}:evalrun:{${evalId}}`, done: `${prefix}:evalrun:{${evalId}}:done`, index: `${prefix}:evals` };
}

/** Call cache of one eval item; deleted once its record is durable. */
export function evalItemCacheKey(prefix: string, evalId: string, index: number): string {
  return `${prefix}:evalcache:${evalId}:${index}`;
}

/** BullMQ job id of an eval item (no ':' allowed): the same item of the same eval is always one job. */
export function evalJobId(evalId: string, index: number): string {
  return `eval__${evalId}__${index}`;
}
