import { describe, expect, it } from 'vitest';
import { SequenceSlots } from '../../../infra/simulator/sequence-slots.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('SequenceSlots', () => {
  it('grants up to capacity and queues the rest', async () => {
    const slots = new SequenceSlots(2);
    const a = await slots.acquire(1);
    await slots.acquire(1);
    let third = false;
    const pending = slots.acquire(1).then((release) => {
      third = true;
      return release;
    });
    await tick();
    expect(third).toBe(false);
    expect(slots.waitingSequences).toBe(1);
    a();
    (await pending)();
    expect(third).toBe(true);
    expect(slots.maxInUse).toBe(2);
    expect(slots.maxWaitingSequences).toBe(1);
  });

  it('is FIFO: a big request at the head is not overtaken by small ones', async () => {
    const slots = new SequenceSlots(3);
    const first = await slots.acquire(2);
    const order: string[] = [];
    const big = slots.acquire(3).then((r) => {
      order.push('big');
      return r;
    });
    const small = slots.acquire(1).then((r) => {
      order.push('small');
      return r;
    });
    await tick();
    expect(order).toEqual([]); // 1 slot is free, but the small one waits behind the big one
    first();
    (await big)();
    (await small)();
    expect(order).toEqual(['big', 'small']);
  });

  it('clamps a request larger than capacity so it still runs, alone', async () => {
    const slots = new SequenceSlots(2);
    const release = await slots.acquire(10);
    expect(slots.inUse).toBe(2);
    release();
    release(); // idempotent
    expect(slots.inUse).toBe(0);
  });

  it('an aborted waiter leaves the queue and rejects', async () => {
    const slots = new SequenceSlots(1);
    const held = await slots.acquire(1);
    const controller = new AbortController();
    const waiting = slots.acquire(1, controller.signal);
    controller.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    expect(slots.waitingSequences).toBe(0);
    held();
    expect(slots.inUse).toBe(0);
  });
});
