import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { BackendSpec } from '@app/contracts';
import { ModelEntity } from '@app/database';

export class ModelResponseDto {
  @ApiProperty({ example: '0b7d5f0e-3c1a-4f6e-9a57-2d4c8e1f6a90' }) id!: string;
  @ApiProperty({ example: 'stories260K' }) name!: string;
  @ApiProperty() paramsTotal!: number;
  @ApiProperty() paramsActive!: number;
  @ApiPropertyOptional({ nullable: true }) releaseDate!: string | null;
  @ApiPropertyOptional({ nullable: true }) trainingTokens!: number | null;
  @ApiPropertyOptional({ nullable: true }) priceInputPerM!: number | null;
  @ApiPropertyOptional({ nullable: true }) priceOutputPerM!: number | null;
  @ApiProperty({ type: Object }) backend!: BackendSpec;
  @ApiPropertyOptional({ nullable: true, description: 'general.architecture of the GGUF header (llama, gptneox, …)' }) architecture!: string | null;
  @ApiProperty() createdAt!: string;

  static from(m: ModelEntity): ModelResponseDto {
    return {
      id: m.id,
      name: m.name,
      paramsTotal: m.paramsTotal,
      paramsActive: m.paramsActive ?? m.paramsTotal,
      releaseDate: m.releaseDate,
      trainingTokens: m.trainingTokens,
      priceInputPerM: m.priceInputPerM,
      priceOutputPerM: m.priceOutputPerM,
      backend: m.backend,
      architecture: m.architecture,
      createdAt: m.createdAt.toISOString(),
    };
  }
}

export class ModelListResponseDto {
  @ApiProperty({ type: [ModelResponseDto] }) items!: ModelResponseDto[];
  @ApiProperty() total!: number;
}
