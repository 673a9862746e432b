import { DensityFitEntity, DensityFitVersionEntity, DensityReferenceEntity } from '@app/database';
import type { MemberWithModel } from '@app/database';
import { FitRequestResponseDto, FitVersionResponseDto, FitVersionSummaryDto, ReferenceResponseDto } from './dto/reference-response.dto';

export const methodOf = (v: Pick<DensityFitVersionEntity, 'library'>): string | null =>
  typeof v.library?.method === 'string' ? v.library.method : null;

/** Entities → response DTOs of the references endpoints. */
export const referenceView = {
  reference(
    r: DensityReferenceEntity,
    latest: { version: number | null; method: string | null },
    members?: MemberWithModel[],
    versions?: DensityFitVersionEntity[],
  ): ReferenceResponseDto {
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      d0Tokens: r.d0Tokens,
      frontier: r.frontierRule,
      benchmarks: r.benchmarks,
      metrics: r.metrics,
      isDefault: r.isDefault,
      atRunEnd: r.atRunEnd,
      builtin: r.builtin,
      createdAt: r.createdAt.toISOString(),
      latestVersion: latest.version,
      method: latest.method,
      members: members?.map((m) => ({
        modelId: m.modelId,
        model: m.model.name,
        params: m.model.paramsTotal,
        trainingTokens: m.model.trainingTokens,
        role: m.role,
        measurements: m.measurements,
      })),
      versions: versions?.map(referenceView.versionSummary),
    };
  },

  versionSummary(v: DensityFitVersionEntity): FitVersionSummaryDto {
    return {
      id: v.id,
      version: v.version,
      d0Tokens: v.d0Tokens,
      method: methodOf(v),
      metrics: v.metrics,
      quality: v.quality,
      warnings: v.warnings,
      createdAt: v.createdAt.toISOString(),
    };
  },

  version(v: DensityFitVersionEntity, recomputeJobId?: string | null): FitVersionResponseDto {
    return {
      ...referenceView.versionSummary(v),
      referenceId: v.referenceId,
      calibration: v.calibration,
      dataPoints: v.dataPoints as unknown as Array<Record<string, unknown>>,
      library: v.library,
      ...(recomputeJobId !== undefined ? { recomputeJobId } : {}),
    };
  },

  fit(f: DensityFitEntity, version: DensityFitVersionEntity | null): FitRequestResponseDto {
    return {
      id: f.id,
      referenceId: f.referenceId,
      status: f.status,
      createdAt: f.createdAt.toISOString(),
      finishedAt: f.finishedAt?.toISOString() ?? null,
      version: version ? referenceView.version(version, f.recomputeJobId) : null,
      recomputeJobId: f.recomputeJobId,
      error: f.errorCode ? { code: f.errorCode, message: f.error ?? '', details: f.errorDetails } : null,
    };
  },
};
