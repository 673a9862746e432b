import { useEffect, useMemo, useState } from 'react';
import { ProgressRates } from '../../../../libs/contracts/src/progress-rates';
import { ApiError, download, followEvents, post } from '../api';
import { DensitySection } from '../components/DensitySection';
import { ProgressTable } from '../components/ProgressTable';
import { Samples } from '../components/Samples';
import { Status, useApi } from '../components/useApi';
import { fmtDate, fmtInt, fmtNum } from '../format';
import { navigate } from '../router';
import type { Artifact, RunView } from '../types';

const ENDED = ['succeeded', 'failed', 'cancelled'];

/** A run: live progress (server-sent events), metrics with stderr, density, samples, artifacts, cancel and re-score. */
export function RunPage({ id }: { id: string }) {
  const [run, setRun] = useState<RunView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [action, setAction] = useState<string | null>(null);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- another run starts its rate estimate afresh
  const rates = useMemo(() => new ProgressRates(), [id]);
  useEffect(() => {
    const abort = new AbortController();
    setRun(null);
    // Follows the run's events until its `end` event; a stream cut short (the API restarted) is followed again.
    (async () => {
      for (let ended = false; !ended && !abort.signal.aborted; ) {
        try {
          await followEvents(`/v1/runs/${id}/events`, (e) => {
            if (e.event === 'end') ended = true;
            if (e.event !== 'run') return;
            const view = JSON.parse(e.data) as RunView;
            for (const b of view.benchmarks) rates.observe(b.name, { t: Date.now(), done: b.done, tokens: b.tokens });
            setRun(view);
            setError(null);
          }, abort.signal);
        } catch (err) {
          if (abort.signal.aborted) return;
          setError((err as Error).message);
          if (err instanceof ApiError && err.status < 500) return; // unknown run, refused key: retrying changes nothing
        }
        if (!ended) await new Promise((r) => setTimeout(r, 2000));
      }
    })();
    return () => abort.abort();
  }, [id, rates]);
  const ended = run !== null && ENDED.includes(run.status);
  const artifacts = useApi<Artifact[]>(ended ? `/v1/runs/${id}/artifacts` : null);

  const act = async (what: 'cancel' | 'rescore') => {
    setAction(null);
    try {
      if (what === 'cancel') setRun(await post<RunView>(`/v1/runs/${id}/cancel`));
      else navigate(`runs/${(await post<{ id: string }>(`/v1/runs/${id}/rescore`)).id}`);
    } catch (e) {
      setAction((e as Error).message);
    }
  };
  if (!run) return <Status error={error} loading={!error} />;
  const metricRows = run.benchmarks.flatMap((b) => Object.entries(b.metrics ?? {}).map(([m, v]) => ({ b: b.name, m, v })));
  return (
    <section aria-labelledby="run-title">
      <h1 id="run-title">Run {run.id.slice(0, 8)} · {run.modelName}</h1>
      <dl className="facts">
        <dt>Status</dt><dd><span data-testid="run-status" className={`status status-${run.status}`}>{run.status}</span></dd>
        <dt>Samples</dt><dd data-testid="run-progress">{fmtInt(run.progress.done)} / {fmtInt(run.progress.total)}</dd>
        <dt>Pool</dt><dd>{run.pool}</dd>
        <dt>Tokens</dt><dd>{fmtInt(run.tokens.input)} in, {fmtInt(run.tokens.output)} out</dd>
        <dt>Created</dt><dd>{fmtDate(run.createdAt)}</dd>
        <dt>Finished</dt><dd>{fmtDate(run.finishedAt)}</dd>
      </dl>
      {run.error && <p className="error">{run.error}</p>}
      {error && <p role="status" className="error">Live updates interrupted ({error}); reconnecting…</p>}
      <div className="row">
        <button type="button" onClick={() => void act('cancel')} disabled={ended}>Cancel run</button>
        <button type="button" onClick={() => void act('rescore')} disabled={run.status !== 'succeeded'}>Re-score run</button>
      </div>
      {action && <p role="alert" className="error">{action}</p>}
      <h2>Progress</h2>
      <ProgressTable benchmarks={run.benchmarks} rates={rates} />
      <h2>Metrics</h2>
      {metricRows.length === 0 ? <p>Metrics appear when the run has finished.</p> : (
        <div className="scroll">
          <table aria-label="Metrics">
            <thead><tr><th scope="col">Benchmark</th><th scope="col">Metric</th><th scope="col">Value</th><th scope="col">± stderr</th><th scope="col">n</th></tr></thead>
            <tbody>
              {metricRows.map(({ b, m, v }) => (
                <tr key={`${b}/${m}`} data-metric={`${b}/${m}`}>
                  <td>{b}</td><td>{m}</td><td data-testid="metric-value">{fmtNum(v.value)}</td><td>{fmtNum(v.stderr)}</td><td>{fmtInt(v.n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <DensitySection density={run.density} />
      {ended && <Samples runId={id} benchmarks={run.benchmarks.filter((b) => !b.isGroup).map((b) => b.name)} />}
      {ended && (
        <section aria-labelledby="artifacts-title">
          <h2 id="artifacts-title">Artifacts</h2>
          <Status error={artifacts.error} loading={artifacts.loading} />
          <ul className="artifacts">
            {(artifacts.data ?? []).map((a) => (
              <li key={a.id}>
                <button type="button" data-artifact={a.id} onClick={() => void download(a.downloadUrl, a.key.split('/').pop()!).catch((e: Error) => setAction(e.message))}>
                  Download {a.key.split('/').slice(2).join('/')}
                </button>{' '}
                ({a.kind}, {fmtInt(a.sizeBytes)} bytes)
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

