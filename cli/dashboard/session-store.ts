import { randomBytes } from 'node:crypto';

/** A logged-in browser: its cookie value, and the CSRF token every control form of that browser must send back. */
export interface Session {
  id: string;
  csrfToken: string;
  /** Milliseconds since the epoch after which the session is gone. */
  expiresAt: number;
}

export interface SessionStoreOptions {
  /** How long a session lasts after login, ms. Default 12 h. */
  ttlMs?: number;
  /** Most sessions kept; beyond it the oldest is dropped (its browser logs in again). Default 1000. */
  maxSessions?: number;
  now?: () => number;
}

/**
 * Sessions of the dashboard process, in memory: a restart logs everyone out, which is what a token made per start
 * needs anyway. Ids and CSRF tokens are 256-bit random values, so guessing one is hopeless; the lookup by id is a
 * plain Map (its timing tells nothing usable about a 256-bit key).
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly ttlMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;

  constructor(options: SessionStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 12 * 60 * 60 * 1000;
    this.maxSessions = options.maxSessions ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** Seconds a new session's cookie lives (its Max-Age). */
  get maxAgeSeconds(): number {
    return Math.floor(this.ttlMs / 1000);
  }

  create(): Session {
    const session = { id: randomBytes(32).toString('base64url'), csrfToken: randomBytes(32).toString('base64url'), expiresAt: this.now() + this.ttlMs };
    this.sessions.set(session.id, session);
    // Maps iterate in insertion order: the first key is the oldest session.
    while (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    return session;
  }

  /** The live session with this id, or null (unknown, or expired: then it is forgotten). */
  get(id: string | undefined): Session | null {
    if (id === undefined) return null;
    const session = this.sessions.get(id);
    if (session === undefined) return null;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return null;
    }
    return session;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }
}
