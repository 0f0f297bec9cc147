import { describe, expect, it } from 'vitest';
import { readEnv } from '../../../shared/config/env.js';
import { firstSeedUrl, parseClusterUrl } from '../../../shared/config/redis-cluster-url.js';
import { redisUrlSecrets } from '../../../shared/queue/redis-connection.js';

describe('a cluster-mode REDIS_URL: seed nodes', () => {
  it('names one or more host:port seeds, the port defaulting to 6379, IPv6 in brackets', () => {
    expect(parseClusterUrl('redis://10.0.0.1:7000,10.0.0.2:7001,[::1]:7002,redis-c')).toEqual({
      seeds: [{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 7001 }, { host: '::1', port: 7002 }, { host: 'redis-c', port: 6379 }],
      tls: false,
    });
  });

  it('reads user and password (decoded; one holding "@" or "," too) and rediss:// as TLS', () => {
    expect(parseClusterUrl('rediss://s2d:p%40ss,w@h1:7000,h2:7001/0')).toEqual({ seeds: [{ host: 'h1', port: 7000 }, { host: 'h2', port: 7001 }], tls: true, username: 's2d', password: 'p@ss,w' });
    expect(parseClusterUrl('redis://:pw@h1:7000')).toMatchObject({ password: 'pw' });
    expect(parseClusterUrl('redis://h1:7000?password=q')).toMatchObject({ password: 'q' });
  });

  it('refuses what a cluster cannot be: another scheme, a bad seed, a database other than 0', () => {
    expect(() => parseClusterUrl('http://h:1')).toThrow('not a redis:// or rediss:// URL');
    expect(() => parseClusterUrl('redis://h1:7000,')).toThrow("seed node '' is not host:port");
    expect(() => parseClusterUrl('redis://h1:99999')).toThrow('port must be 1 to 65535');
    expect(() => parseClusterUrl('redis://h1:7000/2')).toThrow('database 2: Redis Cluster has database 0 only');
  });

  it('keeps its password secret: the credentials of a seed list are registered like a single URL\'s', () => {
    expect(firstSeedUrl('redis://u:pw@h1:1,h2:2/0')).toBe('redis://u:pw@h1:1/0');
    expect(redisUrlSecrets('redis://u:p%2Fw@h1:1,h2:2')).toEqual(['p%2Fw', 'p/w']);
  });

  it('is checked once at the edge with S2D_REDIS_MODE=cluster, naming the variable', () => {
    expect(readEnv({ S2D_REDIS_MODE: 'cluster', REDIS_URL: 'redis://a:1,b:2' })).toMatchObject({ S2D_REDIS_MODE: 'cluster', S2D_QUEUE_SHARDS: 1 });
    expect(readEnv({})).toMatchObject({ S2D_REDIS_MODE: 'standalone', S2D_QUEUE_SHARDS: 1 });
    expect(() => readEnv({ S2D_REDIS_MODE: 'cluster', REDIS_URL: 'redis://:secret@a:1/3' })).toThrow(
      "REDIS_URL must be seed nodes redis://host:port[,host:port…] with S2D_REDIS_MODE=cluster (database 3: Redis Cluster has database 0 only), got 'redis://***@a:1/3'",
    );
    expect(() => readEnv({ S2D_REDIS_MODE: 'sharded' })).toThrow('S2D_REDIS_MODE must be one of standalone, cluster');
    expect(() => readEnv({ S2D_QUEUE_SHARDS: '0' })).toThrow('S2D_QUEUE_SHARDS must be');
  });
});
