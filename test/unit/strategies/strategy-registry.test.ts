import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { STRATEGY_NAMES } from '../../../shared/strategies/strategy.js';
import { getStrategy, resolveTemplates, templatesUsedBy } from '../../../shared/strategies/strategy-registry.js';
import { DEFAULT_TEMPLATE_VERSION, DEFAULT_TEMPLATES } from '../../../shared/strategies/templates.js';

const sha12 = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

describe('getStrategy', () => {
  it.each(STRATEGY_NAMES)('returns the %s program under its own name', (name) => {
    expect(getStrategy(name).name).toBe(name);
  });
});

describe('resolveTemplates', () => {
  it('returns the defaults, all at the default version, with no overrides', () => {
    const { templates, versions } = resolveTemplates({});
    expect(templates).toEqual(DEFAULT_TEMPLATES);
    expect(versions).toEqual({
      system1: DEFAULT_TEMPLATE_VERSION,
      cot: DEFAULT_TEMPLATE_VERSION,
      rar1: DEFAULT_TEMPLATE_VERSION,
      rar2Rephrase: DEFAULT_TEMPLATE_VERSION,
      rar2Answer: DEFAULT_TEMPLATE_VERSION,
      s2aRewrite: DEFAULT_TEMPLATE_VERSION,
      s2aAnswer: DEFAULT_TEMPLATE_VERSION,
      uscSelect: DEFAULT_TEMPLATE_VERSION,
      judge: DEFAULT_TEMPLATE_VERSION,
      choice: DEFAULT_TEMPLATE_VERSION,
      bsmBranch: DEFAULT_TEMPLATE_VERSION,
      bsmSolve: DEFAULT_TEMPLATE_VERSION,
      bsmMerge: DEFAULT_TEMPLATE_VERSION,
      verdictTarget: DEFAULT_TEMPLATE_VERSION,
      answerFormat: DEFAULT_TEMPLATE_VERSION,
    });
  });

  it('versions an overridden template by the hash of its text', () => {
    const cot = 'Think hard about {{question}}. {{answer_format}}';
    const { templates, versions } = resolveTemplates({ cot });
    expect(templates.cot).toBe(cot);
    expect(templates.rar1).toBe(DEFAULT_TEMPLATES.rar1);
    expect(versions.cot).toBe(`custom-${sha12(cot)}`);
    expect(versions.rar1).toBe(DEFAULT_TEMPLATE_VERSION);
  });

  it('merges answer-format overrides per type and versions the set', () => {
    const { templates, versions } = resolveTemplates({ answerFormat: { number: 'Digits only.' } });
    expect(templates.answerFormat).toEqual({ ...DEFAULT_TEMPLATES.answerFormat, number: 'Digits only.' });
    expect(versions.answerFormat).toMatch(/^custom-[0-9a-f]{12}$/);
  });

  it('keeps the default version for an override that restates the default', () => {
    expect(resolveTemplates({ rar1: DEFAULT_TEMPLATES.rar1 }).versions.rar1).toBe(DEFAULT_TEMPLATE_VERSION);
  });

  it('never mutates the defaults', () => {
    resolveTemplates({ system1: 'changed', answerFormat: { text: 'changed' } });
    expect(DEFAULT_TEMPLATES.system1).toBe('{{question}}');
    expect(DEFAULT_TEMPLATES.answerFormat.text).not.toBe('changed');
  });
});

describe('templatesUsedBy', () => {
  it('lists each strategy’s step templates and the answer format where a prompt carries it', () => {
    expect(templatesUsedBy('system1')).toEqual(['system1']);
    expect(templatesUsedBy('cot')).toEqual(['cot', 'answerFormat']);
    expect(templatesUsedBy('rar1')).toEqual(['rar1', 'answerFormat']);
    expect(templatesUsedBy('rar2')).toEqual(['rar2Rephrase', 'rar2Answer', 'answerFormat']);
  });

  it('follows overrides that add or drop the answer-format placeholder', () => {
    const { templates } = resolveTemplates({ system1: '{{question}}\n{{answer_format}}', cot: '{{question}}' });
    expect(templatesUsedBy('system1', templates)).toEqual(['system1', 'answerFormat']);
    expect(templatesUsedBy('cot', templates)).toEqual(['cot']);
  });
});
