import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArtifactKind } from '@app/contracts';

export class ArtifactResponseDto {
  @ApiProperty({ example: '0b7d5f0e-3c1a-4f6e-9a57-2d4c8e1f6a90' }) id!: string;
  @ApiProperty() runId!: string;
  @ApiProperty({ enum: ArtifactKind }) kind!: ArtifactKind;
  @ApiProperty() key!: string;
  @ApiProperty() contentType!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiPropertyOptional({ nullable: true }) benchmark!: string | null;
  @ApiPropertyOptional({ nullable: true }) shardId!: string | null;
  @ApiProperty({ description: 'streams the object through the API' }) downloadUrl!: string;
  @ApiProperty() createdAt!: string;
}
