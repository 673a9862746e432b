import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ArtifactEntity } from '@app/database';
import { ArtifactResponseDto } from './dto/artifact.dto';
import { ArtifactsService } from './artifacts.service';

const toDto = (a: ArtifactEntity): ArtifactResponseDto => ({
  id: a.id,
  runId: a.runId,
  kind: a.kind,
  key: a.key,
  contentType: a.contentType,
  sizeBytes: a.sizeBytes,
  benchmark: a.benchmark,
  shardId: a.shardId,
  downloadUrl: `/v1/artifacts/${a.id}/download`,
  createdAt: a.createdAt.toISOString(),
});

import type { ProjectScope } from '@app/auth';
import { Scope } from '../auth/auth.decorators';

@ApiTags('artifacts')
@Controller('v1')
export class ArtifactsController {
  constructor(private readonly artifacts: ArtifactsService) {}

  @Get('runs/:id/artifacts')
  @ApiOkResponse({ type: [ArtifactResponseDto] })
  @ApiOperation({ summary: "A run's artifacts (per-sample JSONL, results.json, reports)" })
  async list(@Param('id', ParseUUIDPipe) runId: string, @Scope() scope: ProjectScope): Promise<ArtifactResponseDto[]> {
    return (await this.artifacts.listForRun(runId, scope)).map(toDto);
  }

  /** Streams the stored object byte for byte (gzip artifacts are sent as stored, not re-encoded). */
  @Get('artifacts/:id/download')
  @ApiParam({ name: 'id', format: 'uuid', example: '0b7d5f0e-3c1a-4f6e-9a57-2d4c8e1f6a90' })
  @ApiProduces('application/octet-stream')
  @ApiQuery({ name: 'presign', required: false, description: 'redirect to a short-lived presigned URL instead' })
  @ApiOperation({ summary: 'Download an artifact byte for byte (or a presigned URL)' })
  async download(@Param('id', ParseUUIDPipe) id: string, @Scope() scope: ProjectScope, @Query('presign') presign: string | undefined, @Res() res: FastifyReply): Promise<void> {
    if (presign === 'true' || presign === '1') {
      await res.redirect(await this.artifacts.presign(id, scope, 300), 302);
      return;
    }
    const { artifact, object } = await this.artifacts.open(id, scope);
    res.header('Content-Type', artifact.contentType).header('Content-Length', String(object.sizeBytes));
    res.header('Content-Disposition', `attachment; filename="${artifact.key.split('/').pop()}"`);
    await res.send(object.body);
  }
}
