import { mkdtemp, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadRunSpecFile, resolveRunSpec, RunSpecError } from '../../../shared/config/load-run-spec.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 's2d-spec-'));
  await writeFile(join(dir, 'in.jsonl'), '{"prompt":"hi"}\n');
});

const write = async (name: string, text: string): Promise<string> => {
  await writeFile(join(dir, name), text);
  return join(dir, name);
};

describe('run spec files', () => {
  it('applies the documented defaults', async () => {
    const spec = await loadRunSpecFile(await write('ok.yaml', 'input: in.jsonl\nanswerType: letters\nmodel: { name: m }\n'));
    expect(spec).toMatchObject({
      name: 'dataset',
      strategy: 'rar2',
      sampling: { samples: 8, temperature: 0.8, maxTokens: 512, seed: 1 },
      curation: { minAgreement: 0.5 },
      output: { dir: 'datasets', validationFraction: 0.1, shardMaxRecords: 50_000, shardMaxBytes: 256 * 1024 * 1024, latestPointer: true },
      model: { name: 'm', timeoutMs: 60_000, useN: 'auto' },
      maxAttempts: 3,
    });
  });

  it('accepts an s3:// output.uri, keeps it unresolved, and refuses output.dir and output.uri together', async () => {
    const spec = await loadRunSpecFile(await write('s3.yaml', 'input: in.jsonl\nanswerType: letters\nmodel: { name: m }\noutput: { uri: "s3://my-bucket/datasets" }\n'));
    expect(spec.output).toMatchObject({ uri: 's3://my-bucket/datasets', dir: 'datasets' });
    const resolved = await resolveRunSpec(spec, { baseDir: dir, defaultBaseUrl: 'http://127.0.0.1:1/v1' });
    expect(resolved.output.uri).toBe('s3://my-bucket/datasets');
    const both = await write('both.yaml', 'input: in.jsonl\nanswerType: letters\nmodel: { name: m }\noutput:\n  dir: out\n  uri: s3://my-bucket/x\n');
    await expect(loadRunSpecFile(both)).rejects.toThrow(/field "output.uri": set output.dir \(local\) or output.uri \(s3:\/\/\), not both/);
    const bad = await write('bad-uri.yaml', 'input: in.jsonl\nanswerType: letters\nmodel: { name: m }\noutput: { uri: "s3://A_B/x" }\n');
    await expect(loadRunSpecFile(bad)).rejects.toThrow(/field "output.uri": expected s3:\/\/<bucket>/);
  });

  it('explains common mistakes: a typo in a key or a strategy, a quoted number, a budget without prices', async () => {
    const path = await write('typos.yaml', [
      'input: in.jsonl', 'answerType: letters', 'strategy: rar3', 'model: { name: m }', 'sampling:', '  samples: "8"',
      '  temprature: 0.5', 'maxAtempts: 3', 'budget: { maxCostUsd: 5 }', '',
    ].join('\n'));
    const message = ((await loadRunSpecFile(path).catch((e: unknown) => e)) as Error).message;
    expect(message.split('\n').slice(1).map((l) => l.trim())).toEqual([
      `${path} line 3, field "strategy": expected one of "system1", "cot", "rar1", "rar2", "s2a", "bsm", got the string "rar3" (did you mean "rar1" or "rar2"?)`,
      `${path} line 6, field "sampling.samples": expected number, got the string "8" (write the number without quotes)`,
      `${path} line 7, field "sampling.temprature": unknown field (did you mean "temperature"?); allowed here: samples, temperature, maxTokens, seed, adaptive`,
      expect.stringMatching(/line 8, field "maxAtempts": unknown field \(did you mean "maxAttempts"\?\); allowed here: runId, .*budget, maxAttempts, retryBackoffMs, handoff, bsm, perturbations$/) as unknown,
      // Checked across fields (model.prices may price the budget), after the fields themselves.
      `${path} line 9, field "budget.prices": maxCostUsd needs prices: set model.prices { promptUsdPerMTok, completionUsdPerMTok } (or budget.prices)`,
    ]);
  });

  it('names the file, line and field of every problem in YAML', async () => {
    const path = await write('bad.yaml', ['input: in.jsonl', 'answerType: letters', 'model:', '  name: m', 'sampling:', '  samples: 0', 'colour: blue', ''].join('\n'));
    const error = await loadRunSpecFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunSpecError);
    const message = (error as Error).message;
    expect(message).toContain(`${path} line 6, field "sampling.samples"`);
    expect(message).toMatch(/colour/);
  });

  it('refuses key variables other than OPENAI_API_KEY / S2D_API_KEY_*, and credentials in the base URL', async () => {
    const leak = await write('leak.yaml', 'input: in.jsonl\nanswerType: letters\nmodel:\n  name: m\n  apiKeyEnv: AWS_SECRET_ACCESS_KEY\n  baseUrl: http://user:pw@evil.example/v1\n');
    const message = await loadRunSpecFile(leak).then(() => '', (e: unknown) => (e as Error).message);
    expect(message).toContain('line 5, field "model.apiKeyEnv": must be OPENAI_API_KEY or S2D_API_KEY_<NAME>');
    expect(message).toContain('line 6, field "model.baseUrl": must not carry credentials');
    const ok = await write('ok-key.yaml', 'input: in.jsonl\nanswerType: letters\nmodel: { name: m, apiKeyEnv: S2D_API_KEY_VLLM }\n');
    expect((await loadRunSpecFile(ok)).model.apiKeyEnv).toBe('S2D_API_KEY_VLLM');
  });

  it('does the same for JSON specs, and reports syntax errors with their line', async () => {
    const json = await write('bad.json', '{\n  "input": "in.jsonl",\n  "answerType": "emoji",\n  "model": {"name": "m"}\n}\n');
    await expect(loadRunSpecFile(json)).rejects.toThrow(`${json} line 3, field "answerType"`);
    const broken = await write('broken.json', '{\n  "input": "in.jsonl",\n  "answerType": [\n}\n');
    await expect(loadRunSpecFile(broken)).rejects.toThrow(/line \d+: not valid YAML\/JSON/);
    await expect(loadRunSpecFile(join(dir, 'missing.yaml'))).rejects.toThrow(/missing\.yaml: cannot read the run spec \(ENOENT\)/);
  });

  it('derives the same run id from the same spec and input, and a new one when the input changes', async () => {
    const spec = await loadRunSpecFile(await write('ok.yaml', 'name: ll\ninput: in.jsonl\nanswerType: letters\nmodel: { name: m }\n'));
    const options = { baseDir: dir, defaultBaseUrl: 'http://127.0.0.1:1/v1' };
    const first = await resolveRunSpec(spec, options);
    expect(first.runId).toMatch(/^ll-[0-9a-f]{12}$/);
    expect(first.input).toBe(join(dir, 'in.jsonl'));
    expect(first.output.dir).toBe(join(dir, 'datasets'));
    expect(first.model.baseUrl).toBe('http://127.0.0.1:1/v1');
    expect((await resolveRunSpec(spec, options)).runId).toBe(first.runId);
    await appendFile(join(dir, 'in.jsonl'), '{"prompt":"more"}\n');
    expect((await resolveRunSpec(spec, options)).runId).not.toBe(first.runId);
    expect((await resolveRunSpec({ ...spec, runId: 'fixed' }, options)).runId).toBe('fixed');
  });

  it('refuses a spec with no endpoint and an input that does not exist', async () => {
    const spec = await loadRunSpecFile(await write('ok.yaml', 'input: nowhere.jsonl\nanswerType: letters\nmodel: { name: m }\n'));
    await expect(resolveRunSpec(spec, { baseDir: dir, defaultBaseUrl: undefined })).rejects.toThrow(/no model.baseUrl and OPENAI_BASE_URL is not set/);
    await expect(resolveRunSpec(spec, { baseDir: dir, defaultBaseUrl: 'http://x/v1' })).rejects.toThrow(/input file not found: .*nowhere\.jsonl/);
  });

  it('refuses a default base URL (OPENAI_BASE_URL) that carries credentials: it would be stored in Redis and the manifest', async () => {
    const spec = await loadRunSpecFile(await write('creds.yaml', 'input: nowhere.jsonl\nanswerType: letters\nmodel: { name: m }\n'));
    const error = await resolveRunSpec(spec, { baseDir: dir, defaultBaseUrl: 'https://user:sk-secret@llm.example/v1' }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/OPENAI_BASE_URL must not carry credentials/);
    expect((error as Error).message).not.toContain('sk-secret');
  });
});
