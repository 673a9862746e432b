import { DensityFitVersionEntity, DensityReferenceEntity } from '@app/database';
import { FitVersionResponseDto, FitVersionSummaryDto, ReferenceResponseDto } from './dto/reference-response.dto';
import { MemberWithModel } from './references.service';

/** Entities → response DTOs of the references endpoints. */
export const referenceView = {
  reference(r: DensityReferenceEntity, latestVersion: number | null, members?: MemberWithModel[], versions?: DensityFitVersionEntity[]): ReferenceResponseDto {
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
      createdAt: r.createdAt.toISOString(),
      latestVersion,
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
};
