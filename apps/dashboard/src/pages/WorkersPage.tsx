import { useState } from 'react';
import { del, post } from '../api';
import { Status, useApi } from '../components/useApi';
import { fmtDate } from '../format';
import type { Worker } from '../types';

/** The worker's GPUs as its heartbeat reports them (name, memory in use, utilisation), or "none". */
export function gpus(w: Pick<Worker, 'info'>): string {
  const list = (w.info.gpus ?? []) as Array<{ name: string; memoryTotalMiB: number; memoryUsedMiB: number; utilizationPct: number }>;
  return list.length ? list.map((g) => `${g.name} (${g.memoryUsedMiB}/${g.memoryTotalMiB} MiB, ${g.utilizationPct}%)`).join(', ') : 'none';
}

/** Workers: pools, backends, GPU, status, current shard, last heartbeat; drain and remove (operators). */
export function WorkersPage() {
  const { data, error, loading, reload } = useApi<Worker[]>('/v1/workers?status=active&status=draining&status=lost');
  const [actionError, setActionError] = useState<string | null>(null);
  const act = (p: Promise<unknown>) => p.then(reload, (e: Error) => setActionError(e.message));
  return (
    <section aria-labelledby="workers-title">
      <h1 id="workers-title">Workers</h1>
      <button type="button" onClick={reload}>Refresh</button>
      <Status error={error ?? actionError} loading={loading && !data} />
      {data && (
        <div className="scroll">
          <table>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Pools</th><th scope="col">Backends</th><th scope="col">GPU</th><th scope="col">Status</th><th scope="col">Current shard</th><th scope="col">Last heartbeat</th><th scope="col">Actions</th></tr>
            </thead>
            <tbody>
              {data.map((w) => (
                <tr key={w.id} data-worker={w.id}>
                  <td>{w.name}{w.hostname ? ` (${w.hostname})` : ''}</td>
                  <td>{w.pools.join(', ')}</td>
                  <td>{w.backends.join(', ')}</td>
                  <td>{gpus(w)}</td>
                  <td><span className={`status status-${w.status}`}>{w.status}</span></td>
                  <td>{w.currentShard ? <a href={`#/runs/${w.currentShard.runId}`}>{w.currentShard.benchmark} {w.currentShard.done}/{w.currentShard.total}</a> : 'idle'}</td>
                  <td>{fmtDate(w.lastHeartbeatAt)}</td>
                  <td>
                    <button type="button" disabled={w.status !== 'active'} onClick={() => void act(post(`/v1/workers/${w.id}/drain`))}>Drain {w.name}</button>{' '}
                    <button type="button" onClick={() => confirm(`Remove worker ${w.name}?`) && void act(del(`/v1/workers/${w.id}`))}>Remove {w.name}</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
