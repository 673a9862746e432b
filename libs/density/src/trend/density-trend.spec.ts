import { DensityErrorCode } from '../density.exception';
import { seededNormal, seededUniform } from '../fitting/seeded-random';
import { DAYS_PER_MONTH, DensityPoint, fitDensityTrend, selectFrontier, trendDensityAt } from './density-trend';

const day = (offset: number) => new Date(Date.UTC(2023, 1, 24) + offset * 86_400_000).toISOString().slice(0, 10);

describe('density trend ln ρ_max = A·t + B (Densing Law)', () => {
  it('densities doubling exactly every 100 days give a doubling time of 100 days and R² = 1', () => {
    const offsets = [0, 37, 81, 150, 222, 301, 365, 433, 520, 611, 700];
    const points: DensityPoint[] = offsets.map((t, i) => ({ id: `m${i}`, releaseDate: day(t), density: 0.05 * 2 ** (t / 100) }));
    const trend = fitDensityTrend(points);
    expect(Math.abs(trend.doublingTimeDays! - 100)).toBeLessThan(1e-9);
    expect(Math.abs(trend.doublingTimeMonths! - 100 / DAYS_PER_MONTH)).toBeLessThan(1e-9);
    expect(trend.params.A).toBeCloseTo(Math.LN2 / 100, 14);
    expect(trend.params.B).toBeCloseTo(Math.log(0.05), 12);
    expect(trend.quality.rSquared).toBeCloseTo(1, 12);
    expect(trend.origin).toBe('2023-02-24');
    expect(trend.frontier).toHaveLength(offsets.length);
    expect(trend.confidence!.A[0]).toBeCloseTo(Math.LN2 / 100, 12);
    expect(trend.confidence!.A[1]).toBeCloseTo(Math.LN2 / 100, 12);
    expect(trendDensityAt(trend, day(400))).toBeCloseTo(0.05 * 2 ** 4, 12);
  });

  describe('a published-like scatter: frontier A = 0.0065/day (≈ 3.5 months) with models below it', () => {
    const uniform = seededUniform(2024);
    const noise = seededNormal(99);
    const A = 0.0065;
    const points: DensityPoint[] = Array.from({ length: 48 }, (_, i) => {
      const t = Math.round(uniform() * 800);
      const onFrontier = i % 4 === 0;
      const factor = onFrontier ? Math.exp(0.05 * noise()) : 0.1 + 0.5 * uniform();
      return { id: `model-${i}`, releaseDate: day(t), density: 0.1 * Math.exp(A * t) * factor };
    });
    const trend = fitDensityTrend(points, { bootstrap: { iterations: 1000, seed: 7 } });

    it('recovers the doubling time and brackets the true slope', () => {
      expect(Math.abs(trend.doublingTimeMonths! - Math.LN2 / A / DAYS_PER_MONTH)).toBeLessThan(0.35);
      expect(trend.confidence!.A[0]).toBeLessThan(A);
      expect(trend.confidence!.A[1]).toBeGreaterThan(A);
      expect(trend.confidence!.doublingTimeDays[0]!).toBeLessThan(Math.LN2 / A);
      expect(trend.confidence!.doublingTimeDays[1]!).toBeGreaterThan(Math.LN2 / A);
      expect(trend.quality.rSquared).toBeGreaterThan(0.9);
      expect(trend.frontier.length).toBeLessThan(points.length);
    });

    it('is reproducible for a seed and changes with it', () => {
      const again = fitDensityTrend(points, { bootstrap: { iterations: 1000, seed: 7 } });
      expect(again.confidence).toEqual(trend.confidence);
      const other = fitDensityTrend(points, { bootstrap: { iterations: 1000, seed: 8 } });
      expect(other.confidence!.A).not.toEqual(trend.confidence!.A);
      expect(JSON.parse(JSON.stringify(trend))).toEqual(trend);
    });
  });

  describe('frontier selection', () => {
    const pts: DensityPoint[] = [
      { id: 'a', releaseDate: '2023-01-01', density: 1 },
      { id: 'b', releaseDate: '2023-02-01', density: 0.5 }, // below the running max
      { id: 'c', releaseDate: '2023-03-01', density: 2 },
      { id: 'd', releaseDate: '2023-03-01', density: 1.5 }, // same date, not that date's best
      { id: 'e', releaseDate: '2023-04-01', density: 1.9 },
      { id: 'f', releaseDate: '2023-05-01T12:00:00Z', density: 4 },
    ];
    it('record: only models that beat everything released before them', () => {
      expect(selectFrontier(pts, 'record').map((p) => p.id)).toEqual(['a', 'c', 'f']);
    });
    it('running-max: ρ_max at every release date', () => {
      const frontier = selectFrontier(pts, 'running-max');
      expect(frontier.map((p) => [p.id, p.releaseDate, p.density])).toEqual([
        ['a', '2023-01-01', 1],
        ['a', '2023-02-01', 1],
        ['c', '2023-03-01', 2],
        ['c', '2023-04-01', 2],
        ['f', '2023-05-01T12:00:00Z', 4],
      ]);
    });
    it('all: every model, by date', () => {
      expect(selectFrontier(pts, 'all')).toHaveLength(6);
      expect(fitDensityTrend(pts, { frontier: 'all', bootstrap: false }).frontierRule).toBe('all');
    });
  });

  it('reports no doubling time for a falling trend', () => {
    const falling = [0, 50, 100, 150].map((t, i) => ({ id: `m${i}`, releaseDate: day(t), density: 2 ** (-t / 100) }));
    const trend = fitDensityTrend(falling, { frontier: 'all', bootstrap: false });
    expect(trend.doublingTimeDays).toBeNull();
    expect(trend.warnings[0]).toContain('not growing');
  });

  it('refuses too few frontier points, bad dates and bad densities with clear errors', () => {
    const two = [{ id: 'x', releaseDate: '2023-01-01', density: 1 }, { id: 'y', releaseDate: '2023-06-01', density: 2 }];
    expect(() => fitDensityTrend(two)).toThrow(expect.objectContaining({ code: DensityErrorCode.InsufficientData }));
    expect(() => fitDensityTrend([...two, { id: 'z', releaseDate: 'June 2023x', density: 3 }])).toThrow(
      expect.objectContaining({ code: DensityErrorCode.InvalidInput, message: expect.stringContaining("z: release date 'June 2023x'") }),
    );
    expect(() => fitDensityTrend([...two, { id: 'z', releaseDate: '2023-09-01', density: 0 }])).toThrow(
      expect.objectContaining({ code: DensityErrorCode.InvalidInput, message: expect.stringContaining('z: density') }),
    );
  });
});
