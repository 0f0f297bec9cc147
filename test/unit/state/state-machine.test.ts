import { describe, expect, it } from 'vitest';
import { StateMachine } from '../../../shared/state/state-machine.js';

type S = 'a' | 'b' | 'c';

describe('StateMachine: a transition table checked when it is built', () => {
  it('answers from the table alone', () => {
    const machine = new StateMachine<S>({ initial: 'a', transitions: { a: ['b'], b: ['c'], c: [] } });
    expect(machine.allows('a', 'b')).toBe(true);
    expect(machine.allows('b', 'a')).toBe(false);
    expect(machine.allows('a', 'a')).toBe(false);
    expect(machine.lua).toContain("['a'] = {['b'] = true}");
    expect(machine.lua).toContain("['c'] = {}");
  });

  it('refuses a table with a self edge, an unknown target or initial state, or a name unsafe to embed in Lua', () => {
    expect(() => new StateMachine<S>({ initial: 'a', transitions: { a: ['a'], b: [], c: [] } })).toThrow(/not an edge/);
    expect(() => new StateMachine<S>({ initial: 'a', transitions: { a: ['d' as S], b: [], c: [] } })).toThrow(/not a state/);
    expect(() => new StateMachine<S>({ initial: 'd' as S, transitions: { a: [], b: [], c: [] } })).toThrow(/initial state/);
    expect(() => new StateMachine<string>({ initial: 'a', transitions: { a: [], "b'": [] } })).toThrow(/lowercase word/);
  });
});
