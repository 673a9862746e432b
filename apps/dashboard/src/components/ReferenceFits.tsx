import { fmtDate, fmtNum } from '../format';
import { Status, useApi } from './useApi';

interface Version {
  id: string;
  version: number;
  method: string | null;
  metrics: Record<string, string>;
  quality: Record<string, Record<string, unknown>>;
  warnings: string[];
  createdAt: string;
}

/** Numbers of a fit's quality (R², RMSE, …) as "key value" pairs; nested objects by their path. */
export function qualityPairs(q: Record<string, unknown>, prefix = ''): Array<[string, string]> {
  return Object.entries(q).flatMap(([k, v]): Array<[string, string]> =>
    typeof v === 'number' ? [[`${prefix}${k}`, fmtNum(v)]] : v && typeof v === 'object' && !Array.isArray(v) ? qualityPairs(v as Record<string, unknown>, `${prefix}${k}.`) : [],
  );
}

/** A reference family's fit versions: method, data (members and metrics), quality per benchmark, warnings. */
export function ReferenceFits({ referenceId }: { referenceId: string }) {
  const ref = useApi<{ name: string; d0Tokens: number; members?: unknown[]; versions?: Version[] }>(`/v1/density/references/${referenceId}`);
  if (!ref.data) return <Status error={ref.error} loading={ref.loading} />;
  return (
    <section aria-labelledby="fits-title">
      <h2 id="fits-title">Reference fits: {ref.data.name}</h2>
      <p>{ref.data.members?.length ?? 0} member models; D₀ = {fmtNum(ref.data.d0Tokens)} tokens.</p>
      {(ref.data.versions ?? []).map((v) => (
        <details key={v.id} open={v === ref.data!.versions![0]}>
          <summary>Version {v.version} · {v.method ?? 'method unknown'} · {fmtDate(v.createdAt)}</summary>
          <p>Metrics: {Object.entries(v.metrics).map(([b, m]) => `${b} (${m})`).join(', ')}</p>
          <ul>
            {Object.entries(v.quality).map(([bench, q]) => (
              <li key={bench}><strong>{bench}</strong>: {qualityPairs(q).slice(0, 12).map(([k, x]) => `${k} ${x}`).join(', ')}</li>
            ))}
          </ul>
          {v.warnings.length > 0 && <ul className="warnings">{v.warnings.map((w) => <li key={w}>{w}</li>)}</ul>}
        </details>
      ))}
    </section>
  );
}
