import { Injectable } from '@nestjs/common';
import { DomainException, ErrorCode, SampleRecord } from '@app/contracts';
import { SamplesRepository, ShardsRepository } from '@app/database';
import { ArtifactStore } from '@app/storage';
import { RunsService } from '../runs.service';
import { ListSamplesQueryDto } from './list-samples.dto';
import { parseSampleArtifact } from './sample-artifact';
import { sampleMatches, SampleView, sampleView } from './sample-view';

/** Parsed shard artifacts kept in memory (paging through a run reads each artifact once). */
const CACHE_ENTRIES = 64;

/**
 * A run's per-sample records, paged and searchable. Postgres knows which documents were scored and in
 * which shard; the text (prompt, target, responses) is in each shard's JSONL artifact in S3, read and
 * kept for the next pages. Without a search, a page reads only the artifacts of its documents; a search
 * reads the run's (or the benchmark's) ingested artifacts in order and filters their records.
 */
import type { ProjectScope } from '@app/auth';

@Injectable()
export class RunSamplesService {
  private readonly cache = new Map<string, Map<number, SampleRecord>>();

  constructor(
    private readonly samples: SamplesRepository,
    private readonly shards: ShardsRepository,
    private readonly store: ArtifactStore,
    private readonly runs: RunsService,
  ) {}

  async list(runId: string, q: ListSamplesQueryDto, scope: ProjectScope): Promise<{ items: SampleView[]; total: number }> {
    await this.runs.get(runId, scope);
    return q.q ? this.search(runId, q) : this.page(runId, q);
  }

  private async page(runId: string, q: ListSamplesQueryDto): Promise<{ items: SampleView[]; total: number }> {
    const { rows, total } = await this.samples.page(runId, q.benchmark, q.limit, q.offset);
    const items: SampleView[] = [];
    for (const r of rows) {
      const record = (await this.records(r.artifact_key)).get(r.doc_id);
      if (!record) throw new DomainException(ErrorCode.MissingResource, `run ${runId}: ${r.benchmark} document ${r.doc_id} is missing from ${r.artifact_key}`);
      items.push(sampleView(record));
    }
    return { items, total };
  }

  private async search(runId: string, q: ListSamplesQueryDto): Promise<{ items: SampleView[]; total: number }> {
    const keys = await this.shards.ingestedArtifactKeys(runId, q.benchmark);
    const matches: SampleView[] = [];
    for (const key of keys) {
      for (const r of (await this.records(key)).values()) {
        const v = sampleView(r);
        if (sampleMatches(v, q.q!)) matches.push(v);
      }
    }
    return { items: matches.slice(q.offset, q.offset + q.limit), total: matches.length };
  }

  /** A shard artifact's records by document id, in document order. */
  private async records(key: string): Promise<Map<number, SampleRecord>> {
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const body = await this.store.getBuffer(key);
    if (!body) throw new DomainException(ErrorCode.MissingResource, `samples artifact ${key} is missing from storage`);
    const out = parseSampleArtifact(key, body);
    this.cache.set(key, out);
    if (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    return out;
  }
}
