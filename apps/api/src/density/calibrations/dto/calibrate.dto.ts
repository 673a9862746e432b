import { OmitType } from '@nestjs/swagger';
import { CreateRunRequestDto } from '../../../runs/dto/create-run.dto';

/**
 * POST /v1/density/references/:id/calibrate: what every member's run gets, as POST /v1/runs takes it (benchmarks with
 * limit and few-shot count, pool, priority, shard size, seed), without the model: the family's members are the models.
 */
export class CalibrateReferenceRequestDto extends OmitType(CreateRunRequestDto, ['modelId'] as const) {}
