import type { ArtifactStore } from '../../shared/artifacts/artifact-store.js';
import { ItemResultStore } from '../../shared/dataset/read-item-results.js';
import type { ItemResult, Vote } from '../../shared/dataset/item-result.js';

/** One item as the run page shows it. */
export interface ItemSample {
  index: number;
  id: string;
  /** The user's prompt, cut to {@link PROMPT_CHARS}; shown only to authenticated users (every page is). */
  prompt: string;
  status: ItemResult['status'];
  /** The accepted target, or the reject/error reason. */
  outcome: string;
  code: string | null;
  voteShare: number | null;
  /** The top votes. */
  votes: Vote[];
}

/** What the run page shows from the run's stored item results. */
export interface ItemDigest {
  /** Item results read so far (each is read once: a stored result is final). */
  read: number;
  /** More results exist than this digest reads (its cap): the figures cover the first `read`. */
  capped: boolean;
  /** Rejected items per reject code. */
  rejectReasons: Map<string, number>;
  /** Accepted and rejected items' vote shares in 10 buckets: [0, 0.1), …, [0.9, 1]. */
  voteShares: number[];
  accepted: ItemSample[];
  rejected: ItemSample[];
}

export interface ItemDigestOptions {
  /** Most item results read per run, over the dashboard's life. Default 20000. */
  maxItems?: number;
  /** Most new results read per page view, so a page never waits on a huge backlog. Default 1000. */
  maxReadsPerView?: number;
  /** Accepted and rejected items kept as samples. Default 8 each. */
  samples?: number;
}

const PROMPT_CHARS = 400;
const TOP_VOTES = 5;

function sampleOf(result: ItemResult): ItemSample {
  const prompt = result.prompt.length > PROMPT_CHARS ? `${result.prompt.slice(0, PROMPT_CHARS)}…` : result.prompt;
  const outcome = result.status === 'accepted' ? result.target : result.reason;
  const code = result.status === 'rejected' ? result.code : null;
  const voteShare = result.status === 'errored' ? null : (result.voteShare ?? null);
  return { index: result.index, id: result.id, prompt, status: result.status, outcome, code, voteShare, votes: result.votes.slice(0, TOP_VOTES) };
}

/**
 * Reject reasons, vote shares and samples of one run, from its durable item results
 * (`_staging/<runId>/items/…`, where workers store them and publication reads them; they stay after publication).
 * Results are read incrementally: listed, and only the ones not yet seen are fetched.
 */
export class RunItemDigest {
  private readonly digest: ItemDigest = { read: 0, capped: false, rejectReasons: new Map(), voteShares: Array<number>(10).fill(0), accepted: [], rejected: [] };
  private readonly seen = new Set<string>();
  private readonly results: ItemResultStore;
  private readonly maxItems: number;
  private readonly maxReadsPerView: number;
  private readonly samples: number;
  private updating: Promise<ItemDigest> | undefined;

  constructor(
    private readonly store: ArtifactStore,
    private readonly runId: string,
    options: ItemDigestOptions = {},
  ) {
    this.results = new ItemResultStore(store);
    this.maxItems = options.maxItems ?? 20_000;
    this.maxReadsPerView = options.maxReadsPerView ?? 1_000;
    this.samples = options.samples ?? 8;
  }

  /** Reads results stored since the last call (at most maxReadsPerView) and returns the digest. One update at a time. */
  update(): Promise<ItemDigest> {
    this.updating ??= this.readNew().finally(() => {
      this.updating = undefined;
    });
    return this.updating;
  }

  private async readNew(): Promise<ItemDigest> {
    const fresh: number[] = [];
    const prefix = ItemResultStore.key(this.runId, 0).replace(/\/\d+\/0\.json$/, '/');
    for await (const key of this.store.list(prefix)) {
      if (this.seen.size + fresh.length >= this.maxItems) {
        this.digest.capped = true;
        break;
      }
      if (fresh.length >= this.maxReadsPerView) break;
      if (this.seen.has(key)) continue;
      const index = Number(/(\d+)\.json$/.exec(key)?.[1]);
      if (Number.isSafeInteger(index)) fresh.push(index);
    }
    for (let i = 0; i < fresh.length; i += 16) {
      const batch = fresh.slice(i, i + 16);
      const read = await Promise.all(batch.map((index) => this.results.get(this.runId, index).catch(() => null)));
      read.forEach((result, j) => {
        const index = batch[j];
        if (result === null || index === undefined) return;
        this.seen.add(ItemResultStore.key(this.runId, index));
        this.add(result);
      });
    }
    return this.digest;
  }

  private add(result: ItemResult): void {
    const digest = this.digest;
    digest.read++;
    if (result.status === 'rejected') digest.rejectReasons.set(result.code, (digest.rejectReasons.get(result.code) ?? 0) + 1);
    const share = result.status === 'errored' ? undefined : result.voteShare;
    if (share !== undefined && result.samples > 0) {
      const bucket = Math.min(9, Math.floor(share * 10));
      digest.voteShares[bucket] = (digest.voteShares[bucket] ?? 0) + 1;
    }
    if (result.status === 'accepted' && digest.accepted.length < this.samples) digest.accepted.push(sampleOf(result));
    if (result.status === 'rejected' && digest.rejected.length < this.samples) digest.rejected.push(sampleOf(result));
  }
}
