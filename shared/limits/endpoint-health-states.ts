import { readLua } from '../queue/lua-script.js';
import { StateMachine, type StateTable } from '../state/state-machine.js';

/**
 * An endpoint's health as the whole fleet sees it (one hash in Redis beside the limiter's state, same endpoint id):
 * - healthy: requests go out under the limiter's budgets and adaptive cap.
 * - rate-limited: a 429 came back within the last RATE_LIMITED_QUIET_MS; the limiter has cut its cap and pauses the
 *   fleet for each Retry-After. Requests still go out.
 * - down: outage-class failures (connection errors, timeouts, 502/503/504) from different items with no success in
 *   between (`model.outage`); nothing is sent but one probe at a time, on an exponential backoff with jitter.
 */
export const HEALTH_STATES = ['healthy', 'rate-limited', 'down'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/**
 * Every move: any answer from the server ends an outage (a success or an error status to `healthy`, a 429 to
 * `rate-limited`); a 429 makes a healthy endpoint rate-limited; a success after a quiet spell makes a rate-limited one
 * healthy; outage-class failures make either down.
 */
export const ENDPOINT_HEALTH_TABLE = {
  initial: 'healthy',
  transitions: {
    healthy: ['rate-limited', 'down'],
    'rate-limited': ['healthy', 'down'],
    down: ['healthy', 'rate-limited'],
  },
} as const satisfies StateTable<HealthState>;

/** A 429-free spell after which a success makes a rate-limited endpoint healthy again, ms. */
export const RATE_LIMITED_QUIET_MS = 15_000;

const ON_MOVE = readLua(new URL('./lua/health-on-move.lua', import.meta.url));

export const ENDPOINT_HEALTH_MACHINE = new StateMachine<HealthState>(ENDPOINT_HEALTH_TABLE, ON_MOVE);
