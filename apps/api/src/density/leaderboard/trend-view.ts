import { TrendResponseDto } from './dto/trend.dto';
import { TrendResult } from './trend.service';

export function trendView({ reference, version, points, trend }: TrendResult): TrendResponseDto {
  return {
    reference: { id: reference.id, name: reference.name },
    fitVersion: { id: version.id, version: version.version },
    equation: trend.equation,
    frontierRule: trend.frontierRule,
    origin: trend.origin,
    params: trend.params,
    standardErrors: trend.standardErrors,
    doublingTimeDays: trend.doublingTimeDays,
    doublingTimeMonths: trend.doublingTimeMonths,
    confidence: trend.confidence as unknown as Record<string, unknown> | null,
    rSquared: trend.quality.rSquared,
    quality: trend.quality as unknown as Record<string, unknown>,
    warnings: trend.warnings,
    frontier: trend.frontier.map((p) => ({ model: p.id, releaseDate: p.releaseDate, density: p.density, t: p.t })),
    points,
  };
}
