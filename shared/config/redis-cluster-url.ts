/** One seed node of a Redis Cluster. */
export interface ClusterSeed {
  host: string;
  port: number;
}

/** What a cluster-mode REDIS_URL says: where to start discovering the cluster, and how to log in to every node. */
export interface ClusterUrl {
  seeds: ClusterSeed[];
  /** rediss://: every node connection is TLS. */
  tls: boolean;
  username?: string;
  password?: string;
}

const DEFAULT_PORT = 6379;

/** A REDIS_URL split into its parts; the host list is everything after the last '@' up to a '/' or '?'. */
interface UrlParts {
  scheme: string;
  userinfo: string | undefined;
  hosts: string;
  tail: string;
}

function splitUrl(url: string): UrlParts | undefined {
  const match = /^(rediss?):\/\/(.*)$/i.exec(url);
  if (match === null) return undefined;
  const scheme = (match[1] ?? '').toLowerCase();
  const rest = match[2] ?? '';
  // A password may hold an unencoded '/' or '@' (as maskUrlCredentials assumes): the host list follows the LAST '@'.
  const at = rest.lastIndexOf('@');
  const userinfo = at === -1 ? undefined : rest.slice(0, at);
  const afterUser = at === -1 ? rest : rest.slice(at + 1);
  const end = afterUser.search(/[/?#]/);
  return { scheme, userinfo, hosts: end === -1 ? afterUser : afterUser.slice(0, end), tail: end === -1 ? '' : afterUser.slice(end) };
}

/**
 * The same URL naming only its first host: a one-host URL that WHATWG URL (and ioredis) can parse, for reading the
 * credentials of a `redis://…@h1:p1,h2:p2` seed list. A URL without a host list comes back unchanged.
 */
export function firstSeedUrl(url: string): string {
  const parts = splitUrl(url);
  if (parts?.hosts.includes(',') !== true) return url;
  const first = parts.hosts.split(',')[0] ?? '';
  return `${parts.scheme}://${parts.userinfo === undefined ? '' : `${parts.userinfo}@`}${first}${parts.tail}`;
}

/**
 * Parses a cluster-mode REDIS_URL: `redis[s]://[[user]:password@]host:port[,host:port…]`, a port defaulting to 6379,
 * an IPv6 host in brackets; `?password=` is read as ioredis reads it. Any seed is enough: the client learns the other
 * nodes from it.
 *
 * @throws {Error} with what is wrong: not redis:// or rediss://, an empty or malformed host, a bad port, or a
 *   database other than 0 (Redis Cluster has database 0 only).
 */
export function parseClusterUrl(url: string): ClusterUrl {
  const parts = splitUrl(url);
  if (parts === undefined) throw new Error('not a redis:// or rediss:// URL');
  const seeds = parts.hosts.split(',').map((entry) => parseSeed(entry.trim()));
  const path = /^\/?([^?#]*)/.exec(parts.tail)?.[1] ?? '';
  if (path !== '' && path !== '0') throw new Error(`database ${path}: Redis Cluster has database 0 only`);
  const result: ClusterUrl = { seeds, tls: parts.scheme === 'rediss' };
  if (parts.userinfo !== undefined) {
    const colon = parts.userinfo.indexOf(':');
    const username = colon === -1 ? parts.userinfo : parts.userinfo.slice(0, colon);
    const password = colon === -1 ? '' : parts.userinfo.slice(colon + 1);
    if (username !== '') result.username = safeDecode(username);
    if (password !== '') result.password = safeDecode(password);
  }
  const query = /\?([^#]*)/.exec(parts.tail)?.[1];
  const queryPassword = query === undefined ? null : new URLSearchParams(query).get('password');
  if (queryPassword !== null && queryPassword !== '') result.password = queryPassword;
  return result;
}

function parseSeed(entry: string): ClusterSeed {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d+))?$/i.exec(entry);
  if (match === null) throw new Error(`seed node '${entry}' is not host:port`);
  const host = (match[1] ?? '').replace(/^\[|\]$/g, '');
  const port = match[2] === undefined ? DEFAULT_PORT : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`seed node '${entry}': port must be 1 to 65535`);
  return { host, port };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
