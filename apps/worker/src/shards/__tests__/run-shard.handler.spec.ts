import { getQueueToken } from '@nestjs/bullmq';
import { Test } from '@nestjs/testing';
import { Job } from 'bullmq';
import { TaskRegistry } from '@app/benchmarks';
import { BackendKind, ShardSpec } from '@app/contracts';
import { JobName, jobIds, QueueName, RowsHandoff } from '@app/queue';
import { ArtifactStore, StoredObject } from '@app/storage';
import { AgentState } from '../../agent/agent-state';
import { ApiClient } from '../../agent/api-client';
import { ModelManager } from '../../models/model-manager.service';
import { CodeSandboxProvider } from '../code-sandbox.provider';
import { RunShardHandler } from '../run-shard.handler';

const spec: ShardSpec = {
  shardId: 's1',
  runId: 'r1',
  shardIndex: 0,
  benchmark: 'arc_easy',
  docStart: 0,
  docEnd: 4,
  numFewshot: 0,
  seed: 1234,
  artifactKey: 'runs/r1/samples/arc_easy/s1.jsonl.gz',
  model: { id: 'm1', name: 'tiny', backend: { kind: BackendKind.LlamaCpp, modelPath: 'tiny.gguf' } as never },
  runStatus: 'running',
  taskYaml: null,
};

/**
 * The shard handler's restart path: a job started before may find its artifact already stored by an attempt
 * that did not hand it over; then it only enqueues the ingest, without loading the model or scoring again.
 */
describe('RunShardHandler skip-if-artifact-exists', () => {
  let handler: RunShardHandler;
  let state: AgentState;
  const head = jest.fn<Promise<StoredObject | null>, [string]>();
  const add = jest.fn().mockResolvedValue(undefined);
  const acquire = jest.fn();
  const claimShard = jest.fn();
  const job = (attemptsStarted: number) => ({ attemptsStarted }) as unknown as Job;
  const stored = (metadata: Record<string, string>): StoredObject => ({ key: spec.artifactKey, sizeBytes: 100, metadata });

  beforeEach(async () => {
    for (const f of [head, add, acquire, claimShard]) f.mockClear();
    claimShard.mockResolvedValue({ proceed: true, spec });
    // Scoring is out of scope here: a handler that gets as far as loading the model stops there.
    acquire.mockRejectedValue(new Error('would score'));
    const moduleRef = await Test.createTestingModule({
      providers: [
        RunShardHandler,
        AgentState,
        { provide: ApiClient, useValue: { claimShard, workerId: 'w1' } },
        { provide: ArtifactStore, useValue: { head } },
        { provide: TaskRegistry, useValue: {} },
        { provide: ModelManager, useValue: { acquire } },
        { provide: CodeSandboxProvider, useValue: {} },
        { provide: RowsHandoff, useValue: {} },
        { provide: getQueueToken(QueueName.Results), useValue: { add } },
      ],
    }).compile();
    handler = moduleRef.get(RunShardHandler);
    state = moduleRef.get(AgentState);
  });

  afterEach(() => state.loopDelay.disable());

  it('skips a restarted shard whose artifact is stored whole, and enqueues its ingest', async () => {
    head.mockResolvedValue(stored({ samples: '4', 'shard-id': 's1' }));
    await expect(handler.run({ runId: 'r1', shardId: 's1' }, { job: job(2) })).resolves.toEqual({
      shardId: 's1',
      artifactKey: spec.artifactKey,
      samples: 4,
      skipped: true,
    });
    expect(head).toHaveBeenCalledWith(spec.artifactKey);
    expect(add).toHaveBeenCalledWith(JobName.IngestShard, { runId: 'r1', shardId: 's1' }, expect.objectContaining({ jobId: jobIds.ingest('s1') }));
    expect(acquire).not.toHaveBeenCalled();
  });

  it('runs the shard again when the stored artifact is of another shard or another size', async () => {
    for (const metadata of [{ samples: '3', 'shard-id': 's1' }, { samples: '4', 'shard-id': 's2' }]) {
      head.mockResolvedValue(stored(metadata));
      await expect(handler.run({ runId: 'r1', shardId: 's1' }, { job: job(2) })).rejects.toThrow('would score');
    }
    expect(add).not.toHaveBeenCalled();
  });

  it('runs the shard when no artifact is stored', async () => {
    head.mockResolvedValue(null);
    await expect(handler.run({ runId: 'r1', shardId: 's1' }, { job: job(3) })).rejects.toThrow('would score');
    expect(add).not.toHaveBeenCalled();
  });

  it('does not look for an artifact on a first start', async () => {
    await expect(handler.run({ runId: 'r1', shardId: 's1' }, { job: job(1) })).rejects.toThrow('would score');
    expect(head).not.toHaveBeenCalled();
  });

  it('does nothing when the API says the run ended', async () => {
    claimShard.mockResolvedValue({ proceed: false, reason: 'run cancelled' });
    await expect(handler.run({ runId: 'r1', shardId: 's1' }, { job: job(2) })).resolves.toEqual({ cancelled: 'run cancelled' });
    expect(head).not.toHaveBeenCalled();
    expect(add).not.toHaveBeenCalled();
  });
});
