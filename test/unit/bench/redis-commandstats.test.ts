import { describe, expect, it } from 'vitest';
import { diffCommandStats, infoField, parseCommandStats, procStatCpuTicks, topCommandsPerItem, totalCalls } from '../../../bench/redis-commandstats.js';

const BEFORE = ['# Commandstats', 'cmdstat_hincrby:calls=10,usec=20,usec_per_call=2.00,rejected_calls=0,failed_calls=0', 'cmdstat_info:calls=1,usec=5,usec_per_call=5.00', ''].join('\r\n');
const AFTER = [
  '# Commandstats',
  'cmdstat_hincrby:calls=76,usec=120,usec_per_call=1.58,rejected_calls=0,failed_calls=0',
  'cmdstat_hmget:calls=40,usec=60,usec_per_call=1.50,rejected_calls=0,failed_calls=0',
  'cmdstat_EVALSHA:calls=40,usec=900,usec_per_call=22.50,rejected_calls=0,failed_calls=1',
  'cmdstat_client|setname:calls=4,usec=4,usec_per_call=1.00,rejected_calls=0,failed_calls=0',
  'cmdstat_info:calls=1,usec=5,usec_per_call=5.00',
  '',
].join('\r\n');

describe('Redis command statistics', () => {
  it('parses calls per command, lower case, keeping subcommands', () => {
    const calls = parseCommandStats(AFTER);
    expect(calls.get('hincrby')).toBe(76);
    expect(calls.get('evalsha')).toBe(40);
    expect(calls.get('client|setname')).toBe(4);
    expect(calls.size).toBe(5);
  });

  it('diffs snapshots, drops unchanged commands, totals and ranks per item (ties by name)', () => {
    const delta = diffCommandStats(parseCommandStats(BEFORE), parseCommandStats(AFTER));
    expect([...delta]).toEqual([['hincrby', 66], ['hmget', 40], ['evalsha', 40], ['client|setname', 4]]);
    expect(totalCalls(delta)).toBe(150);
    expect(topCommandsPerItem(delta, 2, 3)).toEqual([
      { name: 'hincrby', perItem: 33 },
      { name: 'evalsha', perItem: 20 },
      { name: 'hmget', perItem: 20 },
    ]);
  });

  it('reads an INFO field and refuses a missing one', () => {
    expect(infoField('# Stats\r\ntotal_reads_processed:1234\r\ntotal_writes_processed:99\r\n', 'total_reads_processed')).toBe(1234);
    expect(() => infoField('# Stats\r\n', 'total_reads_processed')).toThrow(/total_reads_processed/);
  });
});

describe('/proc/<pid>/stat CPU time', () => {
  it('sums utime and stime, counting fields after a command name holding spaces and parentheses', () => {
    const stat = '4242 (node (s2d) worker) S 1 4242 4242 0 -1 4194304 97 0 0 0 150 37 0 0 20 0 11 0 1718380 3133440 359';
    expect(procStatCpuTicks(stat)).toBe(187);
  });

  it('refuses text that is not a stat line', () => {
    expect(() => procStatCpuTicks('nothing here')).toThrow(/stat/);
  });
});
