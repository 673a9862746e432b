import { Test } from '@nestjs/testing';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { DomainException, ErrorCode } from '@app/contracts';
import { JobName } from '@app/queue';
import { AgentService } from '../../agent/agent.service';
import { AgentState } from '../../agent/agent-state';
import { RunShardHandler } from '../run-shard.handler';
import { ShardProcessor } from '../shard.processor';

/**
 * How the processor routes a shard's failure for BullMQ: a transient error is re-thrown (BullMQ retries it
 * with backoff), a permanent one becomes UnrecoverableError (no retry), and a shard this worker may not or
 * will not finish goes back to the queue at once without using an attempt (moveToDelayed + DelayedError).
 */
describe('ShardProcessor error routing', () => {
  let processor: ShardProcessor;
  let state: AgentState;
  const run = jest.fn();
  const removedByOperator = jest.fn();

  const job = (name: string = JobName.RunShard) => {
    const moveToDelayed = jest.fn().mockResolvedValue(undefined);
    return { name, data: { runId: 'r1', shardId: 's1' }, attemptsMade: 0, moveToDelayed } as unknown as Job & { moveToDelayed: jest.Mock };
  };

  beforeEach(async () => {
    run.mockReset();
    removedByOperator.mockReset();
    const moduleRef = await Test.createTestingModule({
      providers: [
        ShardProcessor,
        AgentState,
        { provide: RunShardHandler, useValue: { run } },
        { provide: AgentService, useValue: { removedByOperator } },
      ],
    }).compile();
    moduleRef.useLogger(false);
    processor = moduleRef.get(ShardProcessor);
    state = moduleRef.get(AgentState);
  });

  afterEach(() => state.loopDelay.disable());

  it('returns what the handler returns', async () => {
    run.mockResolvedValue({ shardId: 's1', artifactKey: 'k', samples: 3, skipped: false });
    await expect(processor.process(job(), 'token')).resolves.toEqual({ shardId: 's1', artifactKey: 'k', samples: 3, skipped: false });
  });

  it('re-throws a transient failure as it is, so BullMQ retries it', async () => {
    const transient = new DomainException(ErrorCode.Transient, 'S3 timed out');
    run.mockRejectedValue(transient);
    await expect(processor.process(job(), 'token')).rejects.toBe(transient);
    const plain = new Error('socket hang up');
    run.mockRejectedValue(plain);
    await expect(processor.process(job(), 'token')).rejects.toBe(plain);
  });

  it('turns a permanent failure into UnrecoverableError with its message', async () => {
    run.mockRejectedValue(new DomainException(ErrorCode.InvalidInput, 'benchmark arc_easy has 10 documents, asked for [0, 20)'));
    const err = await processor.process(job(), 'token').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect((err as Error).message).toBe('benchmark arc_easy has 10 documents, asked for [0, 20)');
  });

  it('wraps a thrown non-Error in an Error', async () => {
    run.mockRejectedValue('boom');
    const err = await processor.process(job(), 'token').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(UnrecoverableError);
    expect((err as Error).message).toBe('boom');
  });

  it('gives the shard back when the API refuses this worker, and stops the worker taking more', async () => {
    run.mockRejectedValue(new DomainException(ErrorCode.Forbidden, 'worker w1 was removed'));
    const j = job();
    await expect(processor.process(j, 'token')).rejects.toBeInstanceOf(DelayedError);
    expect(removedByOperator).toHaveBeenCalledWith('worker w1 was removed');
    expect(j.moveToDelayed).toHaveBeenCalledWith(expect.any(Number), 'token');
  });

  it('gives an aborted shard back while the worker is leaving, and fails it otherwise', async () => {
    const aborted = new AbortController();
    aborted.abort('shutdown');
    run.mockRejectedValue(new DomainException(ErrorCode.Cancelled, 'shard s1 aborted: shutdown'));
    const before = job();
    await expect(processor.process(before, 'token', aborted.signal)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(before.moveToDelayed).not.toHaveBeenCalled();

    processor.releaseAll();
    const leaving = job();
    await expect(processor.process(leaving, 'token', aborted.signal)).rejects.toBeInstanceOf(DelayedError);
    expect(leaving.moveToDelayed).toHaveBeenCalledWith(expect.any(Number), 'token');
  });

  it('gives a shard taken in the instant of a drain straight back without running it', async () => {
    state.draining = true;
    const j = job();
    await expect(processor.process(j, 'token')).rejects.toBeInstanceOf(DelayedError);
    expect(j.moveToDelayed).toHaveBeenCalled();
    expect(run).not.toHaveBeenCalled();
  });

  it('fails an unknown job for good', async () => {
    await expect(processor.process(job('something-else'), 'token')).rejects.toThrow(new UnrecoverableError('unknown job something-else on a shard queue'));
  });
});
