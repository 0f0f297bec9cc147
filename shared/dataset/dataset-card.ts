import type { ResolvedRunSpec } from '../config/run-spec.js';
import { curationMethodOf } from '../curation/curation-method.js';
import { strategyLabel } from '../strategies/strategy-ref.js';
import type { Manifest } from './manifest.js';

export const CARD_FILE = 'README.md';

/** What the card describes: the run's spec and the counts its files were written with. */
export interface DatasetCardInput {
  spec: ResolvedRunSpec;
  counts: Manifest['counts'];
  /** Whether Parquet twins of the shards were written (`output.formats` includes parquet). */
  parquet: boolean;
}

/** Hugging Face's size buckets, by training lines. */
function sizeCategory(lines: number): string {
  const buckets: [number, string][] = [
    [1_000, 'n<1K'],
    [10_000, '1K<n<10K'],
    [100_000, '10K<n<100K'],
    [1_000_000, '100K<n<1M'],
    [10_000_000, '1M<n<10M'],
  ];
  return buckets.find(([limit]) => lines < limit)?.[1] ?? 'n>10M';
}

/** A YAML scalar for any string: JSON strings are YAML double-quoted scalars. */
const yamlString = (value: string): string => JSON.stringify(value);

/** The `data_files` of one config: a glob per split that has lines (an empty split would fail to load). */
function dataFiles(format: 'jsonl' | 'parquet', counts: Manifest['counts']): string[] {
  const splits = (['train', 'validation'] as const).filter((split) => counts[split] > 0);
  return splits.flatMap((split) => [`  - split: ${split}`, `    path: ${yamlString(`${split}-*.${format}`)}`]);
}

/**
 * The dataset card, `README.md` beside the shards: a YAML header that Hugging Face `datasets.load_dataset(<folder>)`
 * and the Hub read — which files make which split (globs over this folder only, so provenance.jsonl, rejects.jsonl
 * and later versions in `v<N>/` are never loaded as data), license, size — then what the data is and how it was made.
 * Deterministic: the same spec and counts give the same bytes (no clock), so a retried publication rewrites it
 * exactly and the manifest's checksum holds whoever publishes.
 */
export function renderDatasetCard({ spec, counts, parquet }: DatasetCardInput): string {
  const lines = counts.train + counts.validation;
  const configs = parquet
    ? ['- config_name: default', '  data_files:', ...dataFiles('parquet', counts), '- config_name: jsonl', '  data_files:', ...dataFiles('jsonl', counts)]
    : ['- config_name: default', '  data_files:', ...dataFiles('jsonl', counts)];
  const header = [
    '---',
    `pretty_name: ${yamlString(spec.name)}`,
    `license: ${spec.output.license}`,
    'task_categories:',
    '- text-generation',
    'tags:',
    '- s2d',
    '- system-2-distillation',
    '- synthetic',
    'size_categories:',
    `- ${sizeCategory(lines)}`,
    ...(lines > 0 ? ['configs:', ...configs] : []),
    '---',
  ];
  const method = strategyLabel(spec.strategy);
  const curation = curationMethodOf(spec);
  const sampling = spec.sampling.adaptive === undefined ? `${spec.sampling.samples} samples per item` : `adaptive, at most ${spec.sampling.samples} samples per item`;
  const rejected = Object.entries(counts.rejectReasons)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  const body = [
    '',
    `# ${spec.name}`,
    '',
    `System 2 distillation data made by s2d (run \`${spec.runId}\`): each input was answered by the System 2 program`,
    `\`${method}\` with the model \`${spec.model.name}\`, the answers were curated without labels (${curation}), and each`,
    'accepted input became one chat example whose assistant turn is the final answer alone, for fine-tuning a model',
    'to answer directly (System 1).',
    '',
    '| | |',
    '|---|---|',
    `| inputs | ${counts.inputs} |`,
    `| accepted | ${counts.accepted} |`,
    `| rejected | ${counts.rejected}${rejected === '' ? '' : ` (${rejected})`} |`,
    `| errored | ${counts.errored} |`,
    `| train / validation lines | ${counts.train} / ${counts.validation} |`,
    `| sampling | ${sampling}, temperature ${spec.sampling.temperature} |`,
    `| curation | ${curation}, minAgreement ${spec.curation.minAgreement} |`,
    '',
    'Each line holds `messages`: a user turn (the input exactly as given) and an assistant turn (the curated answer).',
    `Files: \`train-*.jsonl\` and \`validation-*.jsonl\`${parquet ? ', their Parquet twins `*.parquet` with the same records' : ''};`,
    '`provenance.jsonl` (votes and cost of each accepted example), `rejects.jsonl` (every input that did not become',
    'data, with its reason); `manifest.json` lists every file with its sha256 and holds the full run spec and cost.',
    '',
    '```python',
    'from datasets import load_dataset',
    'dataset = load_dataset("path/to/this/folder")',
    '```',
    '',
  ];
  return [...header, ...body].join('\n');
}
