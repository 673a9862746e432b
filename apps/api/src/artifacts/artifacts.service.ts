import { Injectable } from '@nestjs/common';
import { DomainException, ErrorCode, notFound } from '@app/contracts';
import { ArtifactEntity, ArtifactsRepository } from '@app/database';
import { ArtifactStore, ObjectStream } from '@app/storage';
import { RunsService } from '../runs/runs.service';

import type { ProjectScope } from '@app/auth';

@Injectable()
export class ArtifactsService {
  constructor(
    private readonly artifacts: ArtifactsRepository,
    private readonly runs: RunsService,
    private readonly store: ArtifactStore,
  ) {}

  async listForRun(runId: string, scope: ProjectScope): Promise<ArtifactEntity[]> {
    await this.runs.get(runId, scope);
    return this.artifacts.ofRun(runId);
  }

  /** An artifact of a run in the scope; another project's is not found. */
  private async find(id: string, scope: ProjectScope): Promise<ArtifactEntity> {
    const artifact = await this.artifacts.get(id);
    if (!artifact) throw notFound('artifact', id);
    await this.runs.get(artifact.runId, scope).catch(() => {
      throw notFound('artifact', id);
    });
    return artifact;
  }

  async open(id: string, scope: ProjectScope): Promise<{ artifact: ArtifactEntity; object: ObjectStream }> {
    const artifact = await this.find(id, scope);
    const object = await this.store.getStream(artifact.key);
    if (!object) throw new DomainException(ErrorCode.MissingResource, `artifact ${id} is recorded but its object ${artifact.key} is missing from storage`);
    return { artifact, object };
  }

  /** A URL signed for this one object, valid for expiresInSeconds. */
  async presign(id: string, scope: ProjectScope, expiresInSeconds: number): Promise<string> {
    const artifact = await this.find(id, scope);
    return this.store.presignGet(artifact.key, expiresInSeconds);
  }
}
