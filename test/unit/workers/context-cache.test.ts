import { describe, expect, it } from 'vitest';
import { ContextCache } from '../../../workers/context-cache.js';

class Refused extends Error {}

/** Builds `<id>#<n>` (n counts builds), fails ids starting "down" once, and refuses ids starting "bad". */
class Counted extends ContextCache<string, Refused> {
  builds = 0;
  private readonly downOnce = new Set<string>();
  constructor(maxEntries: number) {
    super((error): error is Refused => error instanceof Refused, maxEntries);
  }
  protected build(id: string): Promise<string> {
    this.builds += 1;
    if (id.startsWith('bad')) return Promise.reject(new Refused(`${id} refused`));
    if (id.startsWith('down') && !this.downOnce.has(id)) {
      this.downOnce.add(id);
      return Promise.reject(new Error('store down'));
    }
    return Promise.resolve(`${id}#${this.builds}`);
  }
}

describe('context cache', () => {
  it('builds a context once per id, and drops the oldest beyond its bound', async () => {
    const cache = new Counted(2);
    expect(await cache.get('a')).toBe('a#1');
    expect(await cache.get('a')).toBe('a#1');
    await cache.get('b');
    await cache.get('c');
    expect(cache.builds).toBe(3);
    expect(await cache.get('a')).toBe('a#4');
    expect(await cache.get('c')).toBe('c#3');
  });

  it('builds again after a failed build', async () => {
    const cache = new Counted(4);
    await expect(cache.get('down')).rejects.toThrow('store down');
    expect(await cache.get('down')).toBe('down#2');
  });

  it('hands a refusal to the caller and returns null; other failures are thrown', async () => {
    const cache = new Counted(4);
    const refusals: string[] = [];
    const refuse = (refusal: Refused): Promise<void> => {
      refusals.push(refusal.message);
      return Promise.resolve();
    };
    expect(await cache.getUnlessRefused('bad-1', refuse)).toBeNull();
    expect(refusals).toEqual(['bad-1 refused']);
    await expect(cache.getUnlessRefused('down-1', refuse)).rejects.toThrow('store down');
    expect(await cache.getUnlessRefused('ok', refuse)).toBe('ok#3');
    expect(refusals).toHaveLength(1);
  });
});
