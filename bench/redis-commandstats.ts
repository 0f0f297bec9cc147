/**
 * Reads Redis's own counters (`INFO commandstats`, `INFO stats`) and Linux's per-process CPU time, and turns
 * before/after snapshots into per-item figures. Pure parsing here; the benchmark takes the snapshots.
 */

/** Calls per command name (lower case, e.g. `hincrby`, `evalsha`), from `INFO commandstats`. */
export type CommandCalls = Map<string, number>;

/**
 * Parses `INFO commandstats` text (`cmdstat_hincrby:calls=33,usec=…`). Subcommands keep their parent's name with a
 * `|` (`cmdstat_client|setname` → `client|setname`), as Redis 7 reports them. Commands run by Lua scripts count here
 * too: Redis counts every command it executes, whoever sent it.
 */
export function parseCommandStats(info: string): CommandCalls {
  const calls: CommandCalls = new Map();
  for (const line of info.split(/\r?\n/)) {
    const match = /^cmdstat_([^:]+):.*?\bcalls=(\d+)/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    calls.set(match[1].toLowerCase(), Number(match[2]));
  }
  return calls;
}

/** Calls made between two snapshots; commands with no new calls are left out. */
export function diffCommandStats(before: CommandCalls, after: CommandCalls): CommandCalls {
  const delta: CommandCalls = new Map();
  for (const [name, count] of after) {
    const added = count - (before.get(name) ?? 0);
    if (added > 0) delta.set(name, added);
  }
  return delta;
}

/** The `limit` commands with the most calls, most first (ties by name), each with its calls per item. */
export function topCommandsPerItem(delta: CommandCalls, items: number, limit: number): { name: string; perItem: number }[] {
  return [...delta]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, limit)
    .map(([name, count]) => ({ name, perItem: count / items }));
}

/** Sum of every command's calls. */
export function totalCalls(delta: CommandCalls): number {
  let total = 0;
  for (const count of delta.values()) total += count;
  return total;
}

/**
 * One numeric field of `INFO` text (e.g. `total_reads_processed`, the socket reads Redis served: a client's
 * commands arriving together on one connection — pipelined or concurrent — are one read, so this approximates round
 * trips from below, not commands).
 * @throws {Error} when the field is missing (an older Redis), rather than reporting zero.
 */
export function infoField(info: string, field: string): number {
  const match = new RegExp(`^${field}:(\\d+)`, 'm').exec(info);
  if (match?.[1] === undefined) throw new Error(`INFO has no ${field} field`);
  return Number(match[1]);
}

/**
 * User + system CPU time in clock ticks from `/proc/<pid>/stat` text (fields 14 and 15). The command name (field 2)
 * sits in parentheses and may itself hold spaces or parentheses, so fields are counted after its last `)`.
 * @throws {Error} on text that is not a stat line.
 */
export function procStatCpuTicks(stat: string): number {
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line');
  // After ")": field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
  const fields = stat.slice(close + 1).trim().split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('not a /proc/<pid>/stat line');
  return utime + stime;
}
