import { describe, expect, it } from 'vitest';
import { createRng } from '../../../shared/random/seeded-random.js';
import { decideFault } from '../../../infra/simulator/fault-injection.js';
import { parseSimulatorOptions } from '../../../infra/simulator/simulator-options.js';

describe('simulator options', () => {
  it('an empty object is a complete configuration with the paper calibration', () => {
    const o = parseSimulatorOptions({});
    expect(o.host).toBe('127.0.0.1');
    expect(o.honourN).toBe(true);
    expect(o.accuracy['last-letter']).toEqual({ direct: 0.3, cot: 0.4, rar1: 0.395, rar2: 0.445, distilled: 0.98 });
    expect(o.accuracy['coin-flip']).toEqual({ direct: 0.561, cot: 0.62, rar1: 0.585, rar2: 0.772, distilled: 0.757 });
    expect(o.behaviour.unextractableShare).toBe(0.03);
    expect(o.faults.rate429).toBe(0);
    expect(parseSimulatorOptions()).toEqual(o);
  });

  it('a partial override keeps every other default', () => {
    const o = parseSimulatorOptions({ accuracy: { 'coin-flip': { direct: 0.9 } }, latency: { ttftMs: 0 } });
    expect(o.accuracy['coin-flip']).toEqual({ direct: 0.9, cot: 0.62, rar1: 0.585, rar2: 0.772, distilled: 0.757 });
    expect(o.accuracy['last-letter'].direct).toBe(0.3);
    expect(o.latency).toEqual({ ttftMs: 0, perTokenMs: 0.5, jitter: 0.2 });
  });

  it('rejects bad values and unknown keys, naming the field', () => {
    expect(() => parseSimulatorOptions({ accuracy: { 'coin-flip': { direct: 1.5 } } })).toThrow(/accuracy\.coin-flip\.direct/);
    expect(() => parseSimulatorOptions({ maxConcurrentSequences: 0 })).toThrow(/maxConcurrentSequences/);
    expect(() => parseSimulatorOptions({ latncy: {} })).toThrow(/latncy/);
    expect(() => parseSimulatorOptions({ behaviour: { replyStyle: 'chatty' } })).toThrow(/behaviour\.replyStyle/);
  });

  it('replies are terse by default; free and mixed are opt-in, mixed with a 70% free share', () => {
    expect(parseSimulatorOptions({}).behaviour).toMatchObject({ replyStyle: 'terse', mixedFreeShare: 0.7 });
    expect(parseSimulatorOptions({ behaviour: { replyStyle: 'mixed', mixedFreeShare: 0.3 } }).behaviour).toMatchObject({ replyStyle: 'mixed', mixedFreeShare: 0.3 });
  });
});

describe('fault decisions', () => {
  const faults = parseSimulatorOptions({}).faults;

  it('the header forces a fault; a bad header value is an error, not silence', () => {
    expect(decideFault('429', faults, createRng(1))).toEqual({ ok: true, fault: '429' });
    expect(decideFault(' SLOW ', faults, createRng(1))).toEqual({ ok: true, fault: 'slow' });
    expect(decideFault('418', faults, createRng(1)).ok).toBe(false);
    expect(decideFault(undefined, faults, createRng(1))).toEqual({ ok: true, fault: null });
  });

  it('a prompt carrying the poison marker always fails, whatever the header or the draw', () => {
    const poisoned = { ...faults, poisonMarker: 'POISONPILL' };
    for (let i = 0; i < 50; i++) {
      expect(decideFault(undefined, poisoned, createRng('p', i), 'words "POISONPILL apple"')).toEqual({ ok: true, fault: 'poison' });
    }
    expect(decideFault('slow', poisoned, createRng(1), 'x POISONPILL')).toEqual({ ok: true, fault: 'poison' });
    expect(decideFault(undefined, poisoned, createRng(1), 'words "apple pear"')).toEqual({ ok: true, fault: null });
  });

  it('rates inject faults in proportion', () => {
    const halfBroken = { ...faults, rate500: 0.25, rate503: 0.25 };
    const counts = { '500': 0, '503': 0, none: 0 };
    for (let i = 0; i < 4000; i++) {
      const d = decideFault(undefined, halfBroken, createRng('f', i));
      if (!d.ok) throw new Error('unexpected');
      if (d.fault === '500' || d.fault === '503') counts[d.fault]++;
      else if (d.fault === null) counts.none++;
    }
    expect(counts['500'] / 4000).toBeCloseTo(0.25, 1);
    expect(counts['503'] / 4000).toBeCloseTo(0.25, 1);
    expect(counts.none / 4000).toBeCloseTo(0.5, 1);
  });
});
