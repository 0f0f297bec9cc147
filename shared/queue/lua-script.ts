import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisConnection } from './redis-connection.js';

/** A defined script's method on a connection: numkeys first, then keys, then arguments (ioredis `defineCommand`). */
type ScriptMethod = (numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

/** Scripts registered per connection (a registration lives on the ioredis client object). */
const registered = new WeakMap<RedisConnection, Set<string>>();

/**
 * A Lua script run by EVALSHA: registered once per connection with ioredis `defineCommand`, which sends the body
 * (EVAL) only on the connection's first call and again after Redis answers NOSCRIPT (a restarted or flushed server).
 * So each call carries 40 hex digits instead of the whole script, and Redis does not hash the body on every call.
 */
export class LuaScript {
  /** The command name on the connection: derived from the body, so two different scripts can never share one. */
  readonly name: string;

  constructor(readonly lua: string) {
    this.name = `s2d_${createHash('sha1').update(lua).digest('hex').slice(0, 16)}`;
  }

  /** Runs the script with these keys and arguments. */
  run(redis: RedisConnection, keys: readonly string[], args: readonly (string | number)[] = []): Promise<unknown> {
    let names = registered.get(redis);
    if (names === undefined) {
      names = new Set();
      registered.set(redis, names);
    }
    if (!names.has(this.name)) {
      redis.defineCommand(this.name, { lua: this.lua });
      names.add(this.name);
    }
    const method = (redis as unknown as Record<string, ScriptMethod>)[this.name];
    if (method === undefined) throw new Error(`script ${this.name} is not defined on this connection`);
    return method.call(redis, keys.length, ...keys, ...args);
  }
}

/**
 * The text of a `.lua` file beside a module: `readLua(new URL('./lua/x.lua', import.meta.url))`, so it is found from
 * any working directory, under tsx or from a clean clone. Read once, when the module loads.
 */
export function readLua(url: URL): string {
  return readFileSync(url, 'utf8');
}

/**
 * `local NAME = value` lines for constants shared with TypeScript, prepended to a script so the `.lua` file can name
 * them (each file says which it expects).
 */
export function luaConstants(constants: Readonly<Record<string, number | string>>): string {
  return Object.entries(constants)
    .map(([name, value]) => `local ${name} = ${typeof value === 'number' ? String(value) : JSON.stringify(value)}\n`)
    .join('');
}
