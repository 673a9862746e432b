import { autoShardSize, planShards } from './shard-plan';

describe('planShards', () => {
  it('cuts [0, n) into consecutive shards of at most size documents', () => {
    expect(planShards(10, 4)).toEqual([{ start: 0, end: 4 }, { start: 4, end: 8 }, { start: 8, end: 10 }]);
    expect(planShards(8, 4)).toEqual([{ start: 0, end: 4 }, { start: 4, end: 8 }]);
    expect(planShards(0, 4)).toEqual([]);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => planShards(10, 0)).toThrow(/positive integer/);
    expect(() => planShards(10, 2.5)).toThrow(/positive integer/);
  });
});

describe('autoShardSize', () => {
  it('model backends: 100-document shards up to 6,400 documents, then ~64 shards, at most 1,000 documents each', () => {
    expect(autoShardSize(1, 'model')).toBe(100);
    expect(autoShardSize(1_172, 'model')).toBe(100); // ARC-Challenge test: 12 shards
    expect(autoShardSize(6_400, 'model')).toBe(100);
    expect(autoShardSize(10_042, 'model')).toBe(157); // HellaSwag validation: 64 shards
    expect(planShards(10_042, autoShardSize(10_042, 'model'))).toHaveLength(64);
    expect(autoShardSize(1_000_000, 'model')).toBe(1_000);
  });

  it('replay: ~16 shards a benchmark, between 1,000 and 10,000 documents each', () => {
    expect(autoShardSize(16, 'replay')).toBe(1_000);
    expect(autoShardSize(100_000, 'replay')).toBe(6_250);
    expect(planShards(100_000, autoShardSize(100_000, 'replay'))).toHaveLength(16);
    expect(autoShardSize(10_000_000, 'replay')).toBe(10_000);
  });
});
