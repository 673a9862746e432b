import { useState } from 'react';
import { withQuery } from '../api';
import { Status, useApi } from '../components/useApi';
import { fmtDate } from '../format';
import type { Page, RunSummary } from '../types';

const STATUSES = ['', 'queued', 'running', 'succeeded', 'failed', 'cancelled'];
const PAGE = 25;

/** Runs, newest first, with the API's filters (status, model, pool, benchmark, date). */
export function RunsPage() {
  const [f, setF] = useState({ status: '', model: '', pool: '', benchmark: '', from: '', to: '' });
  const [offset, setOffset] = useState(0);
  const { data, error, loading } = useApi<Page<RunSummary>>(withQuery('/v1/runs', { ...f, limit: PAGE, offset }));
  // the API stops counting 1,000 runs past the page: its total is then "at least"
  const more = data?.totalExact === false ? '+' : '';
  const field = (k: keyof typeof f, label: string, type = 'text') => (
    <label>
      {label}
      <input type={type} name={k} value={f[k]} onChange={(e) => (setF({ ...f, [k]: e.target.value }), setOffset(0))} />
    </label>
  );
  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title">Runs</h1>
      <form className="filters" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select name="status" value={f.status} onChange={(e) => (setF({ ...f, status: e.target.value }), setOffset(0))}>
            {STATUSES.map((s) => <option key={s} value={s}>{s || 'any'}</option>)}
          </select>
        </label>
        {field('model', 'Model')}
        {field('pool', 'Pool')}
        {field('benchmark', 'Benchmark')}
        {field('from', 'From', 'date')}
        {field('to', 'To', 'date')}
      </form>
      <Status error={error} loading={loading && !data} />
      {data && (
        <>
          <p aria-live="polite"><span data-testid="runs-total">{data.total}{more}</span> runs</p>
          <div className="scroll">
            <table>
              <thead>
                <tr><th scope="col">Run</th><th scope="col">Model</th><th scope="col">Status</th><th scope="col">Benchmarks</th><th scope="col">Pool</th><th scope="col">Created</th></tr>
              </thead>
              <tbody>
                {data.items.map((r) => (
                  <tr key={r.id} data-run={r.id}>
                    <td><a href={`#/runs/${r.id}`}>{r.id.slice(0, 8)}</a></td>
                    <td>{r.modelName}</td>
                    <td><span className={`status status-${r.status}`}>{r.status}</span></td>
                    <td>{r.benchmarks.join(', ')}</td>
                    <td>{r.pool}</td>
                    <td>{fmtDate(r.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label="Runs pages">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Previous</button>
            <span>{data.total ? `${offset + 1}–${Math.min(offset + PAGE, data.total)} of ${data.total}${more}` : 'none'}</span>
            <button type="button" disabled={offset + PAGE >= data.total} onClick={() => setOffset(offset + PAGE)}>Next</button>
          </nav>
        </>
      )}
    </section>
  );
}
