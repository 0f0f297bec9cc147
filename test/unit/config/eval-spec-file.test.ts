import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { RunSpecError } from '../../../shared/config/run-spec-error.js';
import { loadEvalSpecFile } from '../../../shared/eval/eval-spec.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 's2d-eval-spec-'));
});

const write = async (name: string, text: string): Promise<string> => {
  await writeFile(join(dir, name), text);
  return join(dir, name);
};

const failure = async (path: string): Promise<string> => {
  const error = await loadEvalSpecFile(path).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RunSpecError);
  return (error as Error).message;
};

// The eval spec is read by the same path as the run spec, so its errors say as much as the run spec's.
describe('eval spec files', () => {
  it('names the file, line and the YAML parser message for a syntax error', async () => {
    const text = 'input: in.jsonl\nanswerType: letters\nmodel:\n  name: [m\n';
    const path = await write('broken.yaml', text);
    const parserMessage = parseDocument(text, { prettyErrors: false }).errors[0]?.message.split('\n')[0];
    expect(parserMessage).toBeTruthy();
    expect(await failure(path)).toBe(`${path} line 5: not valid YAML/JSON: ${parserMessage ?? ''}`);
  });

  it('says what value a field was given, and reports a missing nested field at its parent', async () => {
    const path = await write('bad.yaml', 'input: in.jsonl\nanswerType: letters\nmodel: {}\nsampling:\n  samples: "3"\n');
    const message = await failure(path);
    expect(message).toMatch(/^invalid eval spec:/);
    expect(message).toContain(`${path} line 5, field "sampling.samples": expected number, got the string "3" (write the number without quotes)`);
    expect(message).toContain(`${path} line 3, field "model.name": required`);
  });

  it('suggests and lists the eval spec keys, not the run spec ones', async () => {
    const path = await write('typo.yaml', 'input: in.jsonl\nanswerType: letters\nmodel: { name: m }\nlable: distilled\n');
    const message = await failure(path);
    expect(message).toContain(`${path} line 4, field "lable": unknown field (did you mean "labels" or "label"?)`);
    expect(message).toContain('allowed here: evalId, name, input, labels,');
    expect(message).not.toMatch(/allowed here:.*curation/);
  });

  it('keeps ids and names to the characters keys and folders allow, as for runs', async () => {
    const path = await write('ids.yaml', 'evalId: ../escape\nname: a/b\ninput: in.jsonl\nanswerType: letters\nmodel: { name: m }\n');
    const message = await failure(path);
    expect(message).toContain(`${path} line 1, field "evalId": letters, digits, ".", "_" and "-" only, 1-100 characters`);
    expect(message).toContain(`${path} line 2, field "name"`);
  });
});
