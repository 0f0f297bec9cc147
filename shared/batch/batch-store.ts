import type { RedisConnection } from '../queue/redis-connection.js';
import { LuaScript, readLua } from '../queue/lua-script.js';
import { batchKey } from './batch-keys.js';
import type { BatchRecord, BatchRequestRecord } from './batch-records.js';
import { batchReport, type BatchReport } from './batch-report.js';

const REGISTER = new LuaScript(readLua(new URL('./lua/register.lua', import.meta.url)));
const CLAIM = new LuaScript(readLua(new URL('./lua/claim.lua', import.meta.url)));
const PUT_BATCH = new LuaScript(readLua(new URL('./lua/put-batch.lua', import.meta.url)));
const SETTLE_BATCH = new LuaScript(readLua(new URL('./lua/settle-batch.lua', import.meta.url)));
const CLOSE_BATCH = new LuaScript(readLua(new URL('./lua/close-batch.lua', import.meta.url)));

/** A request to register: its custom_id and record. */
export interface NewBatchRequest {
  customId: string;
  record: BatchRequestRecord;
}

/** What registering said of a request (see lua/register.lua); `failed` carries the record given up on. */
export type RegisterOutcome = { kind: 'cached' } | { kind: 'known' } | { kind: 'added' } | { kind: 'failed'; record: BatchRequestRecord };

/** How a settled batch's requests end (see {@link BatchStore.settle}). */
export interface BatchSettlement {
  answered: readonly string[];
  resubmit: readonly string[];
  failed: readonly { id: string; reason: string; status?: number | undefined }[];
}

/** Counters of a run's batch mode (the `stats` hash), as status and the manifest show them. */
export interface BatchCounters {
  /** Requests registered by items (each once, resubmissions not counted). */
  registered: number;
  /** Request lines sent in batches (resubmissions counted). */
  submitted: number;
  resubmitted: number;
  answered: number;
  requestsFailed: number;
  batchesCreated: number;
  /**
   * Times an item parked to wait for batch answers. Per item this is the batch rounds its program needed (one per
   * step that had to wait), plus a park for each wake-up that came before all of its requests were answered.
   */
  parks: number;
  /** Batches by the provider's final status: completed, expired, failed, cancelled. */
  ended: Record<string, number>;
}

/** A run's batch-mode state in Redis: the request registry, the pending list, the batch records (shared/batch/lua). */
export class BatchStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {}

  private key(runId: string, part: Parameters<typeof batchKey>[2]): string {
    return batchKey(this.prefix, runId, part);
  }

  /** Registers an item's requests (see lua/register.lua), atomically with a look at the item's call cache. */
  async register(runId: string, cacheKey: string, requests: readonly NewBatchRequest[], now = Date.now()): Promise<RegisterOutcome[]> {
    if (requests.length === 0) return [];
    const args = requests.flatMap((request) => [request.customId, request.record.fields[0] ?? '', JSON.stringify(request.record)]);
    const answers = (await REGISTER.run(this.redis, [this.key(runId, 'requests'), this.key(runId, 'pending'), cacheKey, this.key(runId, 'stats')], [now, ...args])) as string[];
    return answers.map((answer): RegisterOutcome => {
      if (answer === 'cached' || answer === 'known' || answer === 'added') return { kind: answer };
      return { kind: 'failed', record: JSON.parse(answer) as BatchRequestRecord };
    });
  }

  /** The request records of these custom_ids (null for one no longer in flight: answered). */
  async requests(runId: string, ids: readonly string[]): Promise<(BatchRequestRecord | null)[]> {
    if (ids.length === 0) return [];
    const raw = await this.redis.hmget(this.key(runId, 'requests'), ...ids);
    return raw.map((value) => (value === null ? null : (JSON.parse(value) as BatchRequestRecord)));
  }

  /** Requests waiting for a batch, and since when the oldest has waited (ms epoch; null when none). */
  async pending(runId: string): Promise<{ count: number; since: number | null; lastRegisteredAt: number | null }> {
    const [count, fields] = await Promise.all([this.redis.llen(this.key(runId, 'pending')), this.redis.hmget(this.key(runId, 'stats'), 'pendingSince', 'lastRegisteredAt')]);
    const num = (value: string | null | undefined): number | null => (value === null || value === undefined ? null : Number(value));
    return { count, since: num(fields[0]), lastRegisteredAt: num(fields[1]) };
  }

  /**
   * Takes the next sequence number and claims up to `maxRequests` pending requests (at most `maxBytes` of lines) as
   * that batch, recording the intent (lua/claim.lua). Returns the batch record, or null when nothing was pending.
   */
  async claim(runId: string, maxRequests: number, maxBytes: number, now = Date.now()): Promise<BatchRecord | null> {
    // The number is taken first so the claim can name its member list; a crash in between only skips a number.
    const seq = await this.redis.hincrby(this.key(runId, 'stats'), 'seq', 1);
    const count = (await CLAIM.run(
      this.redis,
      [this.key(runId, 'pending'), this.key(runId, 'requests'), this.key(runId, 'batches'), this.key(runId, 'open'), this.key(runId, `members:${seq}`), this.key(runId, 'stats')],
      [seq, maxRequests, maxBytes, now],
    )) as number;
    return count === 0 ? null : this.batch(runId, seq);
  }

  async batch(runId: string, seq: number): Promise<BatchRecord | null> {
    const raw = await this.redis.hget(this.key(runId, 'batches'), String(seq));
    return raw === null ? null : (JSON.parse(raw) as BatchRecord);
  }

  /** The batches not yet closed, oldest first. */
  async openBatches(runId: string): Promise<BatchRecord[]> {
    const seqs = (await this.redis.smembers(this.key(runId, 'open'))).map(Number).sort((a, b) => a - b);
    if (seqs.length === 0) return [];
    const raw = await this.redis.hmget(this.key(runId, 'batches'), ...seqs.map(String));
    return raw.flatMap((value) => (value === null ? [] : [JSON.parse(value) as BatchRecord]));
  }

  /** Every batch record of the run (open and closed), oldest first. */
  async allBatches(runId: string): Promise<BatchRecord[]> {
    const raw = await this.redis.hvals(this.key(runId, 'batches'));
    return raw.map((value) => JSON.parse(value) as BatchRecord).sort((a, b) => a.seq - b.seq);
  }

  /** The custom_ids of batch `seq`, in input-file order. */
  members(runId: string, seq: number): Promise<string[]> {
    return this.redis.lrange(this.key(runId, `members:${seq}`), 0, -1);
  }

  /** Records a batch's new state; `count` names a stats counter the step adds 1 to (e.g. batchesCreated). */
  async put(runId: string, record: BatchRecord, count?: keyof BatchCounters): Promise<void> {
    await PUT_BATCH.run(this.redis, [this.key(runId, 'batches'), this.key(runId, 'stats')], [record.seq, JSON.stringify(record), count ?? '']);
  }

  /**
   * Settles an ended batch once (lua/settle-batch.lua); returns the record as stored (the first settlement's). A
   * failed request's status rides with its reason as `<status>|<reason>`.
   */
  async settle(runId: string, record: BatchRecord, settlement: BatchSettlement): Promise<BatchRecord> {
    const failedRecords = settlement.failed.flatMap((entry) => [entry.id, `${entry.status ?? ''}|${entry.reason}`]);
    const stored = (await SETTLE_BATCH.run(
      this.redis,
      [this.key(runId, 'batches'), this.key(runId, 'requests'), this.key(runId, 'pending'), this.key(runId, 'stats')],
      [record.seq, JSON.stringify(record), settlement.answered.length, ...settlement.answered, settlement.resubmit.length, ...settlement.resubmit, ...failedRecords],
    )) as string;
    return JSON.parse(stored) as BatchRecord;
  }

  /** Closes a batch whose items have been woken (lua/close-batch.lua). */
  async close(runId: string, record: BatchRecord): Promise<void> {
    await CLOSE_BATCH.run(this.redis, [this.key(runId, 'batches'), this.key(runId, 'open'), this.key(runId, `members:${record.seq}`)], [record.seq, JSON.stringify({ ...record, state: 'closed' })]);
  }

  async counters(runId: string): Promise<BatchCounters> {
    const raw = await this.redis.hgetall(this.key(runId, 'stats'));
    const num = (name: string): number => Number(raw[name] ?? 0);
    const ended: Record<string, number> = {};
    for (const [name, value] of Object.entries(raw)) if (name.startsWith('batches_')) ended[name.slice('batches_'.length)] = Number(value);
    return {
      registered: num('registered'),
      submitted: num('submitted'),
      resubmitted: num('resubmitted'),
      answered: num('answered'),
      requestsFailed: num('requestsFailed'),
      batchesCreated: num('batchesCreated'),
      parks: num('parks'),
      ended,
    };
  }

  /** Counts an item's park (see BatchCounters.parks). */
  async notePark(runId: string): Promise<void> {
    await this.redis.hincrby(this.key(runId, 'stats'), 'parks', 1);
  }

  /** The items with a request in flight (registered, pending or in a batch), ascending. */
  async itemsInFlight(runId: string): Promise<number[]> {
    const raw = await this.redis.hvals(this.key(runId, 'requests'));
    return [...new Set(raw.map((value) => (JSON.parse(value) as BatchRequestRecord).item))].sort((a, b) => a - b);
  }

  /** The run's batch report (status, progress, manifest); `items`: the run's item count, when known. */
  async report(runId: string, items: number | null): Promise<BatchReport> {
    const [counters, open, pending] = await Promise.all([this.counters(runId), this.redis.scard(this.key(runId, 'open')), this.redis.llen(this.key(runId, 'pending'))]);
    return batchReport(counters, open, pending, items);
  }

  /** Drops a finished run's requests in flight and pending list (its batch records and counters stay, for status). */
  async dropRequests(runId: string): Promise<void> {
    await this.redis.del(this.key(runId, 'requests'), this.key(runId, 'pending'));
  }
}
