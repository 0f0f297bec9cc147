import { LuaScript, luaConstants, readLua } from '../queue/lua-script.js';
import { ENDPOINT_HEALTH_MACHINE, RATE_LIMITED_QUIET_MS } from './endpoint-health-states.js';

/**
 * Lua scripts of the endpoint limiter (lua/acquire.lua, lua/release.lua, after lua/limiter-common.lua): each decision reads and writes the endpoint's state in one atomic step, and all
 * times come from the Redis clock (TIME), so workers with skewed clocks still share one budget.
 *
 * KEYS[1] state hash: cap, successes, lastCutAt, pausedUntil, ssthresh, cutSeries, okLevel, reqLevel/reqAt (request bucket),
 *         tokLevel/tokAt (token bucket), lastSuccessAt (part of the endpoint's health, kept here because every release
 *         writes this hash), renewedAt (the last expiry renewal); KEYS[2] leases sorted set: lease id -> expiry (ms); KEYS[3] trajectory list
 *         of "<ms>:<cap>:<why>" (the last 500 cap changes, for status and tests); the health hash (see
 *         endpoint-health-states.ts): state, since, failures/streakAt/streakItems (the current run of outage-class
 *         failures), downSince, probes (failed ones), nextProbeAt, probeLease/probeUntil, sentWhileDown, outages,
 *         lastDownFrom/lastDownUntil (the last outage that ended), last429At.
 *
 * Budgets are token buckets holding BURST_SECONDS of the per-minute rate, refilled continuously; a request that costs
 * more than a full bucket is let through when the bucket is full and leaves it in debt, so nothing can starve.
 *
 * The in-flight cap is AIMD, always clamped into [minConcurrency, maxConcurrency] (a cap stored under other limits
 * is clamped on the next acquire or release):
 * - additive increase: after `cap` successes in a row (about one round of the current window) the cap grows by one,
 *   up to the maximum; at the maximum the success count stops at the cap.
 * - multiplicative decrease: a 429 multiplies the cap by DECREASE_FACTOR (never below the floor) and starts the
 *   success count again — once per window: the 429 of a request acquired before the last cut (acquiredAt < lastCutAt)
 *   does not cut again, since it was sent under the old cap.
 * - slow start back to where it was: the first cut of a series (cuts with no success in between, counting only
 *   requests sent after the last cut) remembers a level to come back to (`ssthresh`): the cap it cut to, but no more
 *   than the most requests that were in flight at a success since the previous cut (`okLevel`, a level the endpoint
 *   really served). A storm of 429s may then cut on down to the floor, but once requests succeed again the cap grows
 *   by one per success (doubling per round) until it is back at `ssthresh`, then additively. Without it, a cap
 *   left at the floor by a minute of 429s grew back one per round: at a few seconds per LLM request, minutes to
 *   regain a few dozen slots. A partial storm (successes between cuts) starts a new series at every cut, at about the
 *   level that was served, so there the rules are plain AIMD.
 * - an outage (health `down`) remembers the level it was working at in `ssthresh` (the cap, at most `okLevel`);
 *   recovery restarts the cap at the floor and slow-starts back to it, so a server that has just come back is not
 *   handed the fleet's whole backlog.
 * test/integration/limiter-aimd.test.ts pins these rules on these scripts, endpoint-health.test.ts the health ones.
 * Each runs by EVALSHA (shared/queue/lua-script.ts).
 */

/** Seconds of the per-minute budget a bucket can hold (its burst). */
export const BURST_SECONDS = 10;
/** Multiplicative decrease of the in-flight cap on a 429: halved. */
export const DECREASE_FACTOR = 0.5;
export const TRAJECTORY_LENGTH = 500;
/** Arguments of one report in a RELEASE call (after the shared ones). */
export const REPORT_ARGS = 7;

const lua = (name: string): string => readLua(new URL(`./lua/${name}.lua`, import.meta.url));

const PRELUDE = [
  luaConstants({ BURST_SECONDS, TRAJECTORY_LENGTH, DECREASE_FACTOR, RATE_LIMITED_QUIET_MS, REPORT_ARGS }),
  lua('limiter-common'),
  ENDPOINT_HEALTH_MACHINE.lua,
].join('\n');

/** Admits a batch of waiting requests (see lua/acquire.lua for its keys, arguments and answer). */
export const ACQUIRE = new LuaScript(`${PRELUDE}\n${lua('acquire')}`);

/** Reports how requests ended, one or many at once (see lua/release.lua for its keys, arguments, outcomes and answer). */
export const RELEASE = new LuaScript(`${PRELUDE}\n${lua('release')}`);
