import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LuaScript, luaConstants } from '../../shared/queue/lua-script.js';
import { isolatedPrefix } from '../helpers/isolated-prefix.js';

describe('Lua scripts by EVALSHA (real redis-server)', () => {
  let redis: Redis;
  let other: Redis;
  beforeAll(() => {
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    other = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await Promise.all([redis.quit(), other.quit()]);
  });

  it('sends the body once per connection, then only its SHA1, and sends it again after the server forgot it', async () => {
    const key = `${isolatedPrefix('lua')}:counter`;
    const script = new LuaScript(`${luaConstants({ STEP: 2 })}return redis.call('INCRBY', KEYS[1], STEP * tonumber(ARGV[1]))`);
    const calls = async (): Promise<{ eval: number; evalsha: number }> => {
      const info = await redis.info('commandstats');
      const count = (name: string): number => Number(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
      return { eval: count('eval'), evalsha: count('evalsha') };
    };
    await redis.script('FLUSH');
    const before = await calls();
    expect(await script.run(redis, [key], [1])).toBe(2);
    expect(await script.run(redis, [key], [3])).toBe(8);
    expect(await script.run(redis, [key], [1])).toBe(10);
    // Another connection registers it too.
    expect(await script.run(other, [key], [1])).toBe(12);
    const after = await calls();
    // The first call on each connection carries the body; the others go by SHA1 alone.
    expect(after.eval - before.eval).toBe(2);
    expect(after.evalsha - before.evalsha).toBe(2);
    // A restarted (or flushed) server: the next call sends the body again by itself.
    await redis.script('FLUSH');
    expect(await script.run(redis, [key], [1])).toBe(14);
  });

  it('gives different scripts different commands on one connection', async () => {
    const key = `${isolatedPrefix('lua')}:value`;
    const set = new LuaScript("return redis.call('SET', KEYS[1], ARGV[1])");
    const get = new LuaScript("return redis.call('GET', KEYS[1])");
    expect(set.name).not.toBe(get.name);
    await set.run(redis, [key], ['x']);
    expect(await get.run(redis, [key])).toBe('x');
  });
});
