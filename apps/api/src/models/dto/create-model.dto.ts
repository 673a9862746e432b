import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsDefined, IsInt, IsNumber, IsOptional, IsPositive, IsString, Length, Min, ValidateNested } from 'class-validator';
import { BackendSpecDto } from './backend-spec.dto';

export class CreateModelRequestDto {
  @ApiProperty({ example: 'stories260K' })
  @IsString() @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({
    description: 'total parameter count. For a GGUF model it is read from the file\'s header (and must agree with it when given); ' +
      'required for openai and imported models',
    example: 292800,
  })
  @IsOptional() @IsInt() @IsPositive()
  paramsTotal?: number;

  @ApiPropertyOptional({ description: 'active parameters per token (MoE); defaults to paramsTotal' })
  @IsOptional() @IsInt() @IsPositive()
  paramsActive?: number;

  @ApiPropertyOptional({ example: '2023-07-24' })
  @IsOptional() @IsDateString({ strict: true })
  releaseDate?: string;

  @ApiPropertyOptional({ description: 'training tokens D' })
  @IsOptional() @IsNumber() @IsPositive()
  trainingTokens?: number;

  @ApiPropertyOptional({ description: 'USD per 1M input tokens' })
  @IsOptional() @IsNumber() @Min(0)
  priceInputPerM?: number;

  @ApiPropertyOptional({ description: 'USD per 1M output tokens' })
  @IsOptional() @IsNumber() @Min(0)
  priceOutputPerM?: number;

  @ApiProperty({ type: BackendSpecDto })
  @IsDefined() @ValidateNested() @Type(() => BackendSpecDto)
  backend!: BackendSpecDto;
}
