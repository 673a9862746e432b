import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination.dto';

export class ListSamplesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'one benchmark (task) of the run', example: 'arc_easy' })
  @IsOptional() @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/) benchmark?: string;

  @ApiPropertyOptional({ description: 'case-insensitive text in the prompt, target, response or filtered answer', example: 'photosynthesis' })
  @IsOptional() @IsString() @Length(1, 500) q?: string;
}

export class SampleViewDto {
  @ApiProperty({ example: 'arc_easy' }) benchmark!: string;
  @ApiProperty({ example: 3 }) docId!: number;
  @ApiProperty({ example: 'Question: Which gas do plants take in?\nAnswer:' }) prompt!: string;
  @ApiPropertyOptional({ type: [String], nullable: true, description: 'multiple-choice continuations', example: [' oxygen', ' carbon dioxide'] })
  choices!: string[] | null;
  @ApiProperty({ example: ' carbon dioxide' }) target!: string;
  @ApiProperty({ description: 'generated text, or the choice of highest log-likelihood', example: ' oxygen' }) response!: string;
  @ApiProperty({ description: 'the response after the task\'s filters', example: ' oxygen' }) filtered!: string;
  @ApiProperty({ example: { acc: 0, acc_norm: 1 } }) metrics!: Record<string, number>;
  @ApiProperty({ example: { input: 41, output: 0 } }) tokens!: { input: number; output: number };
  @ApiPropertyOptional({ nullable: true }) error!: string | null;
}

export class SampleListResponseDto {
  @ApiProperty({ type: [SampleViewDto] }) items!: SampleViewDto[];
  @ApiProperty({ example: 48 }) total!: number;
}
