import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainException, ErrorCode, notFound } from '@app/contracts';
import { ArtifactEntity } from '@app/database';
import { ArtifactStore, ObjectStream } from '@app/storage';
import { RunsService } from '../runs/runs.service';

@Injectable()
export class ArtifactsService {
  constructor(
    @InjectRepository(ArtifactEntity) private readonly artifacts: Repository<ArtifactEntity>,
    private readonly runs: RunsService,
    private readonly store: ArtifactStore,
  ) {}

  async listForRun(runId: string): Promise<ArtifactEntity[]> {
    await this.runs.get(runId);
    return this.artifacts.find({ where: { runId }, order: { kind: 'ASC', benchmark: 'ASC', key: 'ASC' } });
  }

  async open(id: string): Promise<{ artifact: ArtifactEntity; object: ObjectStream }> {
    const artifact = await this.artifacts.findOneBy({ id });
    if (!artifact) throw notFound('artifact', id);
    const object = await this.store.getStream(artifact.key);
    if (!object) throw new DomainException(ErrorCode.MissingResource, `artifact ${id} is recorded but its object ${artifact.key} is missing from storage`);
    return { artifact, object };
  }

  async presign(id: string, expiresInSeconds: number): Promise<string> {
    const artifact = await this.artifacts.findOneBy({ id });
    if (!artifact) throw notFound('artifact', id);
    return this.store.presignGet(artifact.key, expiresInSeconds);
  }
}
