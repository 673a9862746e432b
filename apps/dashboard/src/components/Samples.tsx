import { useEffect, useState } from 'react';
import { withQuery } from '../api';
import { fmtNum } from '../format';
import type { Page, Sample } from '../types';
import { Status, useApi } from './useApi';

const PAGE = 10;

/** A run's per-sample records: searchable, paged, one benchmark or all. */
export function Samples({ runId, benchmarks }: { runId: string; benchmarks: string[] }) {
  const [benchmark, setBenchmark] = useState('');
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  useEffect(() => {
    const t = setTimeout(() => (setQ(typed), setOffset(0)), 300);
    return () => clearTimeout(t);
  }, [typed]);
  const { data, error, loading } = useApi<Page<Sample>>(withQuery(`/v1/runs/${runId}/samples`, { benchmark, q, limit: PAGE, offset }));
  return (
    <section aria-labelledby="samples-title">
      <h2 id="samples-title">Samples</h2>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Benchmark
          <select value={benchmark} onChange={(e) => (setBenchmark(e.target.value), setOffset(0))}>
            <option value="">all</option>
            {benchmarks.map((b) => <option key={b}>{b}</option>)}
          </select>
        </label>
        <label>
          Search samples
          <input type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="text in prompt, target or answer" />
        </label>
      </form>
      <Status error={error} loading={loading && !data} />
      {data && (
        <>
          <p aria-live="polite"><span data-testid="samples-total">{data.total}</span> samples</p>
          <ol className="samples">
            {data.items.map((s) => (
              <li key={`${s.benchmark}/${s.docId}`} data-doc={s.docId}>
                <h3>{s.benchmark} #{s.docId}</h3>
                <dl>
                  <dt>Prompt</dt><dd><pre>{s.prompt}</pre></dd>
                  {s.choices && (<><dt>Choices</dt><dd><ol start={0}>{s.choices.map((c, i) => <li key={i}>{c}</li>)}</ol></dd></>)}
                  <dt>Target</dt><dd><pre>{s.target}</pre></dd>
                  <dt>Response</dt><dd><pre>{s.response}</pre></dd>
                  <dt>Filtered answer</dt><dd><pre>{s.filtered}</pre></dd>
                  <dt>Metrics</dt><dd>{Object.entries(s.metrics).map(([k, v]) => `${k} ${fmtNum(v)}`).join(', ')}</dd>
                  {s.error && (<><dt>Error</dt><dd>{s.error}</dd></>)}
                </dl>
              </li>
            ))}
          </ol>
          <nav className="pager" aria-label="Sample pages">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Previous samples</button>
            <span>{data.total ? `${offset + 1}–${Math.min(offset + PAGE, data.total)} of ${data.total}` : 'none'}</span>
            <button type="button" disabled={offset + PAGE >= data.total} onClick={() => setOffset(offset + PAGE)}>Next samples</button>
          </nav>
        </>
      )}
    </section>
  );
}
