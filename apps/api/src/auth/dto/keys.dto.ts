import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Role, ROLES } from '@app/auth';

const NAME = /^[\p{L}\p{N} ._@-]+$/u;

export class CreateKeyRequestDto {
  @ApiProperty({ example: 'ci-bot', description: 'what the key is for' })
  @IsString() @MinLength(1) @MaxLength(100) @Matches(NAME, { message: 'name may hold letters, digits, spaces and . _ @ -' })
  name!: string;

  @ApiProperty({ enum: ROLES, example: Role.Member })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ example: 'default', description: 'project name or id; required for member and viewer keys, refused for admin and operator keys' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100)
  project?: string;

  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z' })
  @IsOptional() @IsDateString()
  expiresAt?: string;
}

export class KeyResponseDto {
  @ApiProperty({ example: '3f1c2b7e-8d4a-4c1e-9b6f-2a7d5e9c0b11' }) id!: string;
  @ApiProperty({ example: 'ci-bot' }) name!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ nullable: true, type: String }) projectId!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastUsedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;
}

export class CreatedKeyResponseDto extends KeyResponseDto {
  @ApiProperty({ description: 'the key itself, shown this once: send it as "Authorization: Bearer <key>"', example: 'dbk_…' })
  key!: string;
}

export class CreateProjectRequestDto {
  @ApiProperty({ example: 'vision-team' })
  @IsString() @MinLength(1) @MaxLength(100) @Matches(/^[a-z0-9][a-z0-9._-]*$/, { message: 'project names are lowercase letters, digits and . _ - (starting with a letter or digit)' })
  name!: string;
}

export class ProjectResponseDto {
  @ApiProperty({ example: '3f1c2b7e-8d4a-4c1e-9b6f-2a7d5e9c0b11' }) id!: string;
  @ApiProperty({ example: 'ci-bot' }) name!: string;
  @ApiProperty() createdAt!: string;
}
