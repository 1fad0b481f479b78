// What REDIS_URL names and the client for it: one server (redis://, rediss://, a socket path: handed to
// ioredis as before), a Redis Cluster (redis+cluster://, ioredis's Cluster) or the master a set of Sentinels
// watches (redis+sentinel://). The `+cluster` and `+sentinel` forms follow redis-py's Sentinel URLs
// (redis+sentinel://host:port,host:port/master/db); a URL cannot hold several hosts otherwise.
import { Cluster, Redis } from 'ioredis';

/** Either client: the store, BullMQ and the web role use only what both have. */
export type RedisConnection = Redis | Cluster;

export interface HostPort {
  host: string;
  port: number;
}

export type RedisTarget =
  | { kind: 'server'; url: string }
  | {
      kind: 'cluster';
      nodes: HostPort[];
      username?: string;
      password?: string;
      /**
       * Where to reach a node that announces an address this client cannot reach (the cluster behind NAT,
       * a port forward, a tunnel): announced `host:port` → the address to use. ioredis's `natMap`.
       */
      nat?: Record<string, HostPort>;
    }
  | {
      kind: 'sentinel';
      sentinels: HostPort[];
      /** The master's name, as the Sentinels know it (`sentinel monitor NAME ...`). */
      name: string;
      db?: number;
      username?: string;
      password?: string;
      sentinelUsername?: string;
      sentinelPassword?: string;
    };

export class RedisUrlError extends Error {
  constructor(url: string, problem: string) {
    super(`queue: REDIS_URL ${redactUrl(url)}: ${problem}`);
    this.name = 'RedisUrlError';
  }
}

const SPECIAL = /^(rediss?)\+(cluster|sentinel):\/\/(.*)$/is;
const DEFAULT_PORT = { cluster: 6379, sentinel: 26379 } as const;
const SENTINEL_QUERY = new Set(['sentinel_username', 'sentinel_password']);
const FORMS =
  'redis+cluster://[[user]:password@]host:port[,host:port...][?nat=...] or redis+sentinel://[[user]:password@]host:port[,host:port...]/MASTER[/DB]';

/** What `url` names. Anything but the two `+` schemes is one server, left to ioredis unchanged. */
export function parseRedisUrl(url: string): RedisTarget {
  const special = SPECIAL.exec(url.trim());
  if (!special) return { kind: 'server', url };
  const [, scheme, mode, rest] = special as unknown as [string, string, 'cluster' | 'sentinel', string];
  if (scheme.toLowerCase() === 'rediss')
    throw new RedisUrlError(url, `TLS (rediss+${mode}://) is not supported; use redis+${mode}:// on a trusted network`);
  const kind = mode.toLowerCase() as 'cluster' | 'sentinel';
  const at = rest.lastIndexOf('@', rest.search(/[/?#]|$/));
  const credentials = at >= 0 ? userPassword(url, rest.slice(0, at)) : {};
  const afterAuth = rest.slice(at + 1);
  const [beforeQuery = '', query = ''] = splitOnce(afterAuth, '?');
  if (beforeQuery.includes('#') || query.includes('#'))
    throw new RedisUrlError(url, 'a fragment (#) means nothing here');
  const slash = beforeQuery.indexOf('/');
  const hostList = slash >= 0 ? beforeQuery.slice(0, slash) : beforeQuery;
  const path = slash >= 0 ? beforeQuery.slice(slash + 1) : '';
  const hosts = hostPorts(url, hostList, DEFAULT_PORT[kind]);
  const params = new URLSearchParams(query);
  if (kind === 'cluster') {
    if (path.replace(/\/+$/, '') !== '')
      throw new RedisUrlError(url, `a cluster has no database or path (got "/${path}"); write ${FORMS}`);
    for (const key of params.keys())
      if (key !== 'nat') throw new RedisUrlError(url, `unknown parameter "${key}" (known: nat)`);
    const nat = params
      .getAll('nat')
      .flatMap((v) => v.split(','))
      .map((pair) => natPair(url, pair));
    return { kind, nodes: hosts, ...credentials, ...(nat.length > 0 && { nat: Object.fromEntries(nat) }) };
  }
  const [name = '', db, ...extra] = path.split('/').map((part) => decoded(url, part, 'the master name'));
  if (name === '') throw new RedisUrlError(url, `the master's name is missing; write ${FORMS}`);
  if (extra.some((s) => s !== ''))
    throw new RedisUrlError(url, `expected /MASTER[/DB] after the hosts, got "/${path}"`);
  if (db !== undefined && db !== '' && !/^\d{1,5}$/.test(db))
    throw new RedisUrlError(url, `the database must be a number, got "${db}"`);
  for (const key of params.keys()) {
    if (!SENTINEL_QUERY.has(key))
      throw new RedisUrlError(url, `unknown parameter "${key}" (known: ${[...SENTINEL_QUERY].join(', ')})`);
  }
  const sentinelUsername = params.get('sentinel_username');
  const sentinelPassword = params.get('sentinel_password');
  return {
    kind,
    sentinels: hosts,
    name,
    ...(db !== undefined && db !== '' && { db: Number(db) }),
    ...credentials,
    ...(sentinelUsername !== null && { sentinelUsername }),
    ...(sentinelPassword !== null && { sentinelPassword }),
  };
}

function splitOnce(s: string, sep: string): [string, string?] {
  const i = s.indexOf(sep);
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}

function decoded(url: string, part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new RedisUrlError(url, `${what} is not valid percent-encoding`);
  }
}

function userPassword(url: string, auth: string): { username?: string; password?: string } {
  const [user = '', password] = splitOnce(auth, ':');
  const what = 'the user or password';
  return {
    ...(user !== '' && { username: decoded(url, user, what) }),
    ...(password !== undefined && { password: decoded(url, password, what) }),
  };
}

/** `ANNOUNCED>REACHABLE`, both host:port: `10.0.0.5:6379>203.0.113.7:30001`. */
function natPair(url: string, pair: string): [string, HostPort] {
  const [from = '', to] = splitOnce(pair, '>');
  if (to === undefined) throw new RedisUrlError(url, `nat "${pair}" is not ANNOUNCED_HOST:PORT>HOST:PORT`);
  const [announced] = hostPorts(url, from, 0, true);
  const [reachable] = hostPorts(url, to, 0, true);
  // ioredis looks a node up by `host:port` as the cluster announces it, brackets or not.
  return [`${announced!.host}:${announced!.port}`, reachable!];
}

/** `host[:port]` items, comma-separated; an IPv6 address in brackets (`[::1]:7001`). */
function hostPorts(url: string, list: string, defaultPort: number, needPort = false): HostPort[] {
  if (list.trim() === '') throw new RedisUrlError(url, `no host; write ${FORMS}`);
  return list.split(',').map((item) => {
    const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]\s]+))(?::(\d*))?$/i.exec(item.trim());
    if (!m || (needPort && !m[3])) throw new RedisUrlError(url, `"${item}" is not host:port`);
    const host = m[1] ?? m[2] ?? '';
    const port = m[3] === undefined || m[3] === '' ? defaultPort : Number(m[3]);
    if (!Number.isInteger(port) || port < 1 || port > 65_535)
      throw new RedisUrlError(url, `port ${m[3]} of "${item}" is not 1 to 65535`);
    return { host, port };
  });
}

/** The URL without its passwords, for messages and logs. */
export function redactUrl(url: string): string {
  if (SPECIAL.test(url.trim())) {
    return url
      .replace(/^([^:]+:\/\/[^:@/?#]*):[^/?#]*@/, '$1:***@')
      .replace(/([?&]sentinel_password=)[^&#]*/g, '$1***');
  }
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

export interface ClientOptions {
  /** What CLIENT LIST shows for each connection. */
  name?: string;
  /** ioredis's: null to wait out a reconnect (BullMQ's workers need it), a number to fail after as many. */
  maxRetriesPerRequest?: number | null;
  lazyConnect?: boolean;
  enableOfflineQueue?: boolean;
  connectTimeout?: number;
}

/**
 * A client for `url` (not connected yet when `lazyConnect`). A cluster is found from any of its nodes:
 * the client asks one for the slot map and connects to every master it names.
 */
export function createRedis(url: string, opts: ClientOptions = {}): RedisConnection {
  const target = parseRedisUrl(url);
  const common = {
    ...(opts.maxRetriesPerRequest !== undefined && { maxRetriesPerRequest: opts.maxRetriesPerRequest }),
    ...(opts.connectTimeout !== undefined && { connectTimeout: opts.connectTimeout }),
    ...(opts.name && { connectionName: opts.name }),
  };
  const connecting = {
    ...(opts.lazyConnect !== undefined && { lazyConnect: opts.lazyConnect }),
    ...(opts.enableOfflineQueue !== undefined && { enableOfflineQueue: opts.enableOfflineQueue }),
  };
  switch (target.kind) {
    case 'server':
      return new Redis(url, { ...common, ...connecting });
    case 'cluster':
      return new Cluster(target.nodes, {
        ...connecting,
        // A slot map asked for on a busy machine can take longer than ioredis's 1 s default.
        slotsRefreshTimeout: 5_000,
        ...(target.nat && { natMap: target.nat }),
        redisOptions: {
          ...common,
          ...(target.username && { username: target.username }),
          ...(target.password !== undefined && { password: target.password }),
        },
      });
    case 'sentinel': {
      const { kind: _, sentinels, ...rest } = target;
      return new Redis({ ...common, ...connecting, sentinels, ...rest });
    }
  }
}

/** Whether `client` is a cluster client, whose keyless commands (SCAN, CONFIG) reach one node only. */
export function isCluster(client: RedisConnection): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}
