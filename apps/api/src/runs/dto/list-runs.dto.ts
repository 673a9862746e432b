import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsUUID, Matches } from 'class-validator';
import { RunStatus } from '@app/contracts';
import { PaginationQueryDto } from '../../common/pagination.dto';

export class ListRunsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: RunStatus }) @IsOptional() @IsEnum(RunStatus) status?: RunStatus;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() modelId?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/) pool?: string;
}
