import { ApiProperty } from '@nestjs/swagger';

export class ChartSpecDto {
  @ApiProperty({ enum: ['score-vs-params', 'density-vs-date'] }) name!: string;
  @ApiProperty({ description: 'a Vega-Lite spec with its data inlined (as the report\'s SVG/PNG are drawn from)', type: 'object', additionalProperties: true })
  spec!: Record<string, unknown>;
}

export class ChartsResponseDto {
  @ApiProperty({ example: { id: '6f1c…', name: 'pythia', d0Tokens: 3e11 } }) reference!: { id: string; name: string; d0Tokens: number | null };
  @ApiProperty({ example: { id: '8a2e…', version: 1 } }) fitVersion!: { id: string; version: number };
  @ApiProperty({ type: [ChartSpecDto] }) charts!: ChartSpecDto[];
  @ApiProperty({ description: 'chart name → why it could not be drawn', example: { 'density-vs-date': 'no trend: fewer than two frontier points' } })
  skipped!: Record<string, string>;
}
