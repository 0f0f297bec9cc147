import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { itemResultSchema, type ItemResult, type ItemResultInput } from './item-result.js';

/** Items per bucket folder: keeps every folder (or S3 listing page range) small however big the run is. */
const BUCKET_SIZE = 1000;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Options of {@link ItemResultStore.readAll}. */
export interface ReadAllOptions {
  /** Results fetched ahead of the consumer, to hide per-object latency (S3). Default 16. */
  readAhead?: number;
}

/**
 * Durable per-item results of a run, one object per item under
 * `_staging/<runId>/items/<bucket>/<index>.json` with bucket = floor(index / 1000) as 6 digits.
 * Writing is idempotent (a retried job writes the same object again); reading validates every object.
 */
export class ItemResultStore {
  constructor(private readonly store: ArtifactStore) {}

  /** The key of an item's result (exposed for tools and tests). */
  static key(runId: string, index: number): string {
    if (!RUN_ID.test(runId)) throw new Error(`invalid runId ${JSON.stringify(runId)}`);
    if (!Number.isSafeInteger(index) || index < 0) throw new Error(`invalid item index ${index}`);
    const bucket = String(Math.floor(index / BUCKET_SIZE)).padStart(6, '0');
    return `_staging/${runId}/items/${bucket}/${index}.json`;
  }

  /**
   * Where `s2d retry` keeps an errored result it takes out of the run before running the item again:
   * `_staging/<runId>/retired/v<version>/<bucket>/<index>.json`, `version` being the dataset version it belonged to.
   * Kept for audit, and so an interrupted retry can still enqueue the item from it.
   */
  static retiredKey(runId: string, index: number, version: number): string {
    return ItemResultStore.key(runId, index).replace('/items/', `/retired/v${version}/`);
  }

  /**
   * Takes an item's stored result out of the run (copied to its retired key, then deleted), so the item's next
   * execution stores a new one. Returns the result, or the retired copy when an earlier call already moved it.
   */
  async retire(runId: string, index: number, version: number): Promise<ItemResult | null> {
    const stored = await this.get(runId, index);
    if (stored === null) return this.getRetired(runId, index, version);
    await this.store.put(ItemResultStore.retiredKey(runId, index, version), JSON.stringify(stored));
    await this.store.delete(ItemResultStore.key(runId, index));
    return stored;
  }

  /** A result {@link retire} took out of the run for `version`, or null. */
  async getRetired(runId: string, index: number, version: number): Promise<ItemResult | null> {
    const bytes = await this.store.get(ItemResultStore.retiredKey(runId, index, version));
    return bytes === null ? null : itemResultSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
  }

  /** Validates and stores the result of `result.index`, replacing any earlier copy atomically. */
  async put(runId: string, result: ItemResultInput): Promise<void> {
    const parsed = itemResultSchema.parse(result);
    await this.store.put(ItemResultStore.key(runId, parsed.index), JSON.stringify(parsed));
  }

  /**
   * Stores the item's result unless one is already stored, and returns the one that is: the first durable outcome
   * of an item is final, so two executions of the same item (a lapsed lock) cannot replace a counted result.
   *
   * "Create-only" is as strong as the store's putIfAbsent: atomic on the local store and on AWS S3 (If-None-Match);
   * on an S3-compatible server that ignores If-None-Match (s3rver) it is a HEAD then PUT, so two executions racing
   * within that window can both store, the later object replacing the earlier. Either is a complete result of the
   * item, the Redis done bit still counts the item once, and the manifest's counts come from the objects published,
   * so nothing is lost or doubled; only which of two valid outcomes is kept is then not "the first".
   */
  async putOnce(runId: string, result: ItemResultInput): Promise<ItemResult> {
    const parsed = itemResultSchema.parse(result);
    const created = await this.store.putIfAbsent(ItemResultStore.key(runId, parsed.index), JSON.stringify(parsed));
    if (created) return parsed;
    const stored = await this.get(runId, parsed.index);
    if (stored === null) throw new Error(`item result ${this.store.locate(ItemResultStore.key(runId, parsed.index))} vanished`);
    return stored;
  }

  /** The stored result of an item, or null when the item has none yet. Throws when the object is corrupt. */
  async get(runId: string, index: number): Promise<ItemResult | null> {
    const key = ItemResultStore.key(runId, index);
    const bytes = await this.store.get(key);
    if (bytes === null) return null;
    const where = this.store.locate(key);
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(bytes));
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new Error(`item result ${where}: not valid JSON (${why})`);
    }
    const parsed = itemResultSchema.safeParse(value);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new Error(`item result ${where}: invalid (${issues})`);
    }
    if (parsed.data.index !== index) {
      throw new Error(`item result ${where}: holds index ${parsed.data.index}, expected ${index}`);
    }
    return parsed.data;
  }

  exists(runId: string, index: number): Promise<boolean> {
    return this.store.exists(ItemResultStore.key(runId, index));
  }

  /**
   * Results 0..total-1 in index order, validated. A missing index is an error that names it: publication must not
   * quietly drop an item. Reads a few objects ahead of the consumer; stopping early leaves nothing dangling.
   */
  async *readAll(runId: string, total: number, options: ReadAllOptions = {}): AsyncGenerator<ItemResult> {
    const readAhead = Math.max(1, options.readAhead ?? 16);
    const pending: Promise<ItemResult | null>[] = [];
    let next = 0;
    const fill = (): void => {
      while (next < total && pending.length < readAhead) {
        const read = this.get(runId, next++);
        // Marked handled now; the error still surfaces when this read's turn comes and it is awaited.
        read.catch(() => undefined);
        pending.push(read);
      }
    };
    for (let index = 0; index < total; index++) {
      fill();
      const read = pending.shift();
      if (read === undefined) break;
      const result = await read;
      if (result === null) {
        const where = this.store.locate(ItemResultStore.key(runId, index));
        throw new Error(`item result ${index} of run ${runId} is missing (${where})`);
      }
      yield result;
    }
  }
}
