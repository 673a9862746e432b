import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArtifactKind } from '@app/contracts';

export class ArtifactResponseDto {
  @ApiProperty() id!: string;
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
