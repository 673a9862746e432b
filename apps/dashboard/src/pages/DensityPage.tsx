import { useState } from 'react';
import { withQuery } from '../api';
import { Chart } from '../components/Chart';
import { ReferenceFits } from '../components/ReferenceFits';
import { Status, useApi } from '../components/useApi';
import { fmtNum, fmtParams } from '../format';
import { costChartSpec, costPerCorrect, SortKey, sortRows } from '../leaderboard';
import type { LeaderboardRow } from '../types';

interface Charts {
  reference: { id: string; name: string };
  charts: Array<{ name: string; spec: Record<string, unknown> }>;
  skipped: Record<string, string>;
}

const COLUMNS: Array<{ key: SortKey; label: string }> = [
  { key: 'params', label: 'Parameters' },
  { key: 'score', label: 'Score' },
  { key: 'density', label: 'Density ρ' },
  { key: 'tokenValue', label: 'Token value' },
  { key: 'costDensity', label: 'Cost density' },
  { key: 'costPerCorrect', label: '$ per correct' },
];

/** The leaderboard (sortable), the density plots (downloadable), the trend's doubling time and the reference fits. */
export function DensityPage() {
  const refs = useApi<Array<{ id: string; name: string; isDefault: boolean }>>('/v1/density/references');
  const [reference, setReference] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; order: 'asc' | 'desc' }>({ key: 'density', order: 'desc' });
  const board = useApi<{ reference: { id: string; name: string }; items: LeaderboardRow[] }>(withQuery('/v1/density/leaderboard', { reference, limit: 1000 }));
  const charts = useApi<Charts>(withQuery('/v1/density/charts', { reference }));
  const trend = useApi<{ doublingTimeMonths: number; confidence?: unknown; quality?: { rSquared?: number } }>(withQuery('/v1/density/trend', { reference }));
  const rows = sortRows(board.data?.items ?? [], sort.key, sort.order);
  const cost = costChartSpec(rows);
  const header = (c: { key: SortKey; label: string }) => {
    const active = sort.key === c.key;
    return (
      <th scope="col" key={c.key} aria-sort={active ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button type="button" onClick={() => setSort({ key: c.key, order: active && sort.order === 'desc' ? 'asc' : 'desc' })}>
          {c.label} {active ? (sort.order === 'asc' ? '▲' : '▼') : ''}
        </button>
      </th>
    );
  };
  return (
    <section aria-labelledby="density-page-title">
      <h1 id="density-page-title">Density</h1>
      <label>
        Reference family
        <select value={reference} onChange={(e) => setReference(e.target.value)}>
          <option value="">default</option>
          {(refs.data ?? []).map((r) => <option key={r.id} value={r.id}>{r.name}{r.isDefault ? ' (default)' : ''}</option>)}
        </select>
      </label>
      <Status error={board.error} loading={board.loading && !board.data} />
      {board.data && (
        <div className="scroll">
          <table aria-label="Leaderboard">
            <caption>Against {board.data.reference.name}</caption>
            <thead><tr><th scope="col">Model</th>{COLUMNS.map(header)}</tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.modelId} data-model={r.model}>
                  <td>{r.model}</td>
                  <td>{fmtParams(r.params)}</td>
                  <td data-testid="score">{fmtNum(r.score)}</td>
                  <td data-testid="density">{r.density !== null ? fmtNum(r.density) : <span title={r.densityUndefinedReason ?? ''}>–</span>}</td>
                  <td>{fmtNum(r.tokenValue)}</td>
                  <td>{fmtNum(r.costDensity)}</td>
                  <td>{fmtNum(costPerCorrect(r))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Plots</h2>
      {trend.data && (
        <p data-testid="doubling-time">
          Density doubles every <strong>{fmtNum(trend.data.doublingTimeMonths, 3)}</strong> months
          {trend.data.quality?.rSquared !== undefined ? ` (R² ${fmtNum(trend.data.quality.rSquared, 3)})` : ''}.
        </p>
      )}
      {trend.error && <p>No trend: {trend.error}</p>}
      <Status error={charts.error} loading={charts.loading && !charts.data} />
      {charts.data?.charts.map((c) => (
        <Chart key={`${charts.data!.reference.id}/${c.name}`} spec={c.spec} name={c.name} label={c.name === 'score-vs-params' ? 'score vs parameters' : 'density vs release date'} />
      ))}
      {Object.entries(charts.data?.skipped ?? {}).map(([name, why]) => <p key={name}>{name}: {why}</p>)}
      {cost ? <Chart spec={cost} name="cost-per-correct" label="cost per correct answer" /> : <p>No model has a price: no cost per correct answer.</p>}
      {board.data && <ReferenceFits referenceId={board.data.reference.id} />}
    </section>
  );
}
