import { WorkerStatus } from '@app/contracts';
import type { WorkerEntity } from '@app/database';
import { VerifiedWorkers } from './verified-workers';

const worker = (id: string, credentialHash: string, status = WorkerStatus.Active) => ({ id, credentialHash, status }) as WorkerEntity;

describe('VerifiedWorkers', () => {
  afterEach(() => jest.useRealTimers());

  it('answers a remembered worker for its own credential only, until the entry expires', () => {
    jest.useFakeTimers({ now: 1_000 });
    const v = new VerifiedWorkers(10_000, 10);
    v.remember(worker('a', 'h1'));
    expect(v.get('a', 'h1')?.id).toBe('a');
    expect(v.get('a', 'other')).toBeUndefined();
    expect(v.get('b', 'h1')).toBeUndefined();
    jest.setSystemTime(11_001);
    expect(v.get('a', 'h1')).toBeUndefined();
  });

  it('a heartbeat write with the same credential renews the entry and carries the new status', () => {
    jest.useFakeTimers({ now: 0 });
    const v = new VerifiedWorkers(10_000, 10);
    v.remember(worker('a', 'h1'));
    jest.setSystemTime(9_000);
    v.confirm('a', { status: WorkerStatus.Draining, credentialHash: 'h1' });
    jest.setSystemTime(18_000);
    expect(v.get('a', 'h1')?.status).toBe(WorkerStatus.Draining);
  });

  it('a heartbeat write that finds another credential (registered again elsewhere) or no worker (removed) drops it', () => {
    const v = new VerifiedWorkers(10_000, 10);
    v.remember(worker('a', 'h1'));
    v.remember(worker('b', 'h2'));
    v.confirm('a', { status: WorkerStatus.Active, credentialHash: 'rotated' });
    v.confirm('b', undefined);
    expect(v.get('a', 'h1')).toBeUndefined();
    expect(v.get('b', 'h2')).toBeUndefined();
  });

  it('stays bounded: a full cache starts again rather than growing', () => {
    const v = new VerifiedWorkers(10_000, 2);
    v.remember(worker('a', 'h'));
    v.remember(worker('b', 'h'));
    v.remember(worker('c', 'h'));
    expect(v.get('a', 'h')).toBeUndefined();
    expect(v.get('c', 'h')?.id).toBe('c');
  });
});
