import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination.dto';

export class ListModelsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'exact model name' })
  @IsOptional() @IsString() @Length(1, 200)
  name?: string;
}
