// REDIS_URL's three forms as parseRedisUrl reads them, each mistake with its message, and passwords kept out
// of what is printed.
import { describe, expect, it } from 'vitest';
import {
  createRedis,
  isCluster,
  parseRedisUrl,
  redactUrl,
  RedisUrlError,
  type RedisTarget,
} from '../../src/queue/index.js';

describe('parseRedisUrl', () => {
  // prettier-ignore
  const cases: { name: string; url: string; want: RedisTarget }[] = [
    { name: 'a plain URL is one server, left to ioredis as it is', url: 'redis://:pw@10.0.0.1:6380/2', want: { kind: 'server', url: 'redis://:pw@10.0.0.1:6380/2' } },
    { name: 'so is TLS to one server', url: 'rediss://cache.example:6380', want: { kind: 'server', url: 'rediss://cache.example:6380' } },
    { name: 'so is a bare host:port', url: '127.0.0.1:6379', want: { kind: 'server', url: '127.0.0.1:6379' } },
    {
      name: 'a cluster from several nodes',
      url: 'redis+cluster://127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003',
      want: { kind: 'cluster', nodes: [{ host: '127.0.0.1', port: 7001 }, { host: '127.0.0.1', port: 7002 }, { host: '127.0.0.1', port: 7003 }] },
    },
    { name: 'a cluster node without a port is on 6379', url: 'redis+cluster://node-a', want: { kind: 'cluster', nodes: [{ host: 'node-a', port: 6379 }] } },
    {
      name: 'a cluster with a user and a percent-encoded password, IPv6 in brackets, a trailing slash',
      url: 'REDIS+CLUSTER://app:p%40ss%2Fw@[::1]:7001,node-b:7002/',
      want: { kind: 'cluster', nodes: [{ host: '::1', port: 7001 }, { host: 'node-b', port: 7002 }], username: 'app', password: 'p@ss/w' },
    },
    { name: 'a password alone', url: 'redis+cluster://:secret@node-a:7001', want: { kind: 'cluster', nodes: [{ host: 'node-a', port: 7001 }], password: 'secret' } },
    {
      name: 'a cluster behind NAT: each announced address mapped to one this client reaches',
      url: 'redis+cluster://203.0.113.7:30001?nat=10.0.0.5:6379>203.0.113.7:30001,10.0.0.6:6379>203.0.113.7:30002&nat=[fd00::7]:6379>[::1]:30003',
      want: {
        kind: 'cluster',
        nodes: [{ host: '203.0.113.7', port: 30001 }],
        nat: {
          '10.0.0.5:6379': { host: '203.0.113.7', port: 30001 },
          '10.0.0.6:6379': { host: '203.0.113.7', port: 30002 },
          'fd00::7:6379': { host: '::1', port: 30003 },
        },
      },
    },
    {
      name: 'a master found through Sentinels, on 26379 unless told',
      url: 'redis+sentinel://s1,s2:26380/mymaster',
      want: { kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26380 }], name: 'mymaster' },
    },
    {
      name: 'a Sentinel master with a database and passwords for the master and the Sentinels',
      url: 'redis+sentinel://:master-pw@s1:26379/my%20master/3?sentinel_password=sent-pw&sentinel_username=watcher',
      want: { kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }], name: 'my master', db: 3, password: 'master-pw', sentinelUsername: 'watcher', sentinelPassword: 'sent-pw' },
    },
  ];
  it.each(cases)('$name', ({ url, want }) => {
    expect(parseRedisUrl(url)).toEqual(want);
  });

  // prettier-ignore
  const mistakes: { name: string; url: string; message: string }[] = [
    { name: 'no host', url: 'redis+cluster://', message: 'no host; write redis+cluster://' },
    { name: 'an empty host between commas', url: 'redis+cluster://a:1,,b:2', message: '"" is not host:port' },
    { name: 'a port that is not a number', url: 'redis+cluster://a:http', message: '"a:http" is not host:port' },
    { name: 'a port out of range', url: 'redis+cluster://a:70000', message: 'port 70000 of "a:70000" is not 1 to 65535' },
    { name: 'port 0', url: 'redis+cluster://a:0', message: 'port 0 of "a:0" is not 1 to 65535' },
    { name: 'a database on a cluster', url: 'redis+cluster://a:7001/1', message: 'a cluster has no database or path (got "/1")' },
    { name: 'a parameter on a cluster', url: 'redis+cluster://a:7001?db=1', message: 'unknown parameter "db" (known: nat)' },
    { name: 'a nat mapping without its target', url: 'redis+cluster://a:7001?nat=10.0.0.5:6379', message: 'nat "10.0.0.5:6379" is not ANNOUNCED_HOST:PORT>HOST:PORT' },
    { name: 'a nat mapping without a port', url: 'redis+cluster://a:7001?nat=10.0.0.5>a:7001', message: '"10.0.0.5" is not host:port' },
    { name: 'a Sentinel URL without the master', url: 'redis+sentinel://s1:26379', message: "the master's name is missing" },
    { name: 'a Sentinel database that is not a number', url: 'redis+sentinel://s1/m/zero', message: 'the database must be a number, got "zero"' },
    { name: 'more path after the database', url: 'redis+sentinel://s1/m/0/x', message: 'expected /MASTER[/DB] after the hosts, got "/m/0/x"' },
    { name: 'an unknown Sentinel parameter', url: 'redis+sentinel://s1/m?password=x', message: 'unknown parameter "password" (known: sentinel_username, sentinel_password)' },
    { name: 'a fragment', url: 'redis+sentinel://s1#m', message: 'a fragment (#) means nothing here' },
    { name: 'TLS to a cluster', url: 'rediss+cluster://a:7001', message: 'TLS (rediss+cluster://) is not supported' },
    { name: 'a password that is not percent-encoding', url: 'redis+cluster://:%zz@a:7001', message: 'the user or password is not valid percent-encoding' },
    { name: 'a master name that is not percent-encoding', url: 'redis+sentinel://s1/my%zzmaster', message: 'the master name is not valid percent-encoding' },
  ];
  it.each(mistakes)('refuses $name', ({ url, message }) => {
    let err: unknown;
    try {
      parseRedisUrl(url);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RedisUrlError);
    expect((err as Error).message).toMatch(/^queue: REDIS_URL /);
    expect((err as Error).message).toContain(message);
  });

  it('names no password in its errors', () => {
    expect(() => parseRedisUrl('redis+cluster://:hunter2@a:99999')).toThrow(
      /^queue: REDIS_URL redis\+cluster:\/\/:\*\*\*@a:99999: /,
    );
    expect(() => parseRedisUrl('redis+cluster://:hunter2@a:99999')).not.toThrow(/hunter2/);
  });
});

describe('redactUrl', () => {
  it.each([
    ['redis://:pw@127.0.0.1:6379', 'redis://:***@127.0.0.1:6379'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['redis+cluster://app:p@ss@n1:7001,n2:7002', 'redis+cluster://app:***@n1:7001,n2:7002'],
    ['redis+cluster://n1:7001,n2:7002', 'redis+cluster://n1:7001,n2:7002'],
    [
      'redis+sentinel://:pw@s1/m?sentinel_password=spw&sentinel_username=u',
      'redis+sentinel://:***@s1/m?sentinel_password=***&sentinel_username=u',
    ],
  ])('%s -> %s', (url, want) => {
    expect(redactUrl(url)).toBe(want);
  });
});

describe('createRedis', () => {
  it('makes a cluster client for redis+cluster:// and a server client otherwise, connecting to neither', () => {
    const cluster = createRedis('redis+cluster://127.0.0.1:1,127.0.0.1:2', { lazyConnect: true });
    const server = createRedis('redis://127.0.0.1:1', { lazyConnect: true });
    try {
      expect(isCluster(cluster)).toBe(true);
      expect(isCluster(server)).toBe(false);
      expect(cluster.status).toBe('wait');
    } finally {
      cluster.disconnect();
      server.disconnect();
    }
  });

  it('refuses a bad URL before making a client', () => {
    expect(() => createRedis('redis+sentinel://s1:26379', { lazyConnect: true })).toThrow(RedisUrlError);
  });
});
