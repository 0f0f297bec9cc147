/** BullMQ queue names. Keys live under `<S2D_PREFIX>:<queue>:…`, next to s2d's own `<S2D_PREFIX>:run:…` keys. */
export const QUEUES = {
  /** One job per input item: run the strategy, curate, store the item result. */
  distill: 'distill',
  /** One job per run, added when its last item is done: write the dataset, manifest last. */
  publish: 'publish',
  /** One job per published run with an `openai` hand-off: upload, create the fine-tuning job, then poll it (delayed re-runs). */
  handoff: 'handoff',
  /** One job per batch-mode run: packs pending requests into provider batches and polls them (delayed re-runs). */
  batch: 'batch',
} as const;
