import { fmtNum, fmtParams } from '../format';

interface Figure {
  benchmark: string;
  metric: string | null;
  score: number | null;
  params: number;
  effectiveParams: number | null;
  density: number | null;
  undefinedReason: string | null;
  message: string | null;
}

interface RunDensity {
  references: Array<{ reference: string; version: number; method: string | null; headline: Figure; benchmarks: Figure[] }>;
  efficiency: Array<{ benchmark: string; score: number; outputTokens: number; costUsd: number | null; tokenValue: Record<string, unknown>; costDensity: Record<string, unknown> }>;
}

const outcome = (o: unknown): string => {
  const x = o as { value?: number; defined?: boolean; reason?: string } | undefined;
  return x?.value !== undefined ? fmtNum(x.value) : (x?.reason ?? '–');
};

/** A run's density figures against each reference family, and its token and cost figures. */
export function DensitySection({ density }: { density: Record<string, unknown> | null }) {
  const d = density as RunDensity | null;
  return (
    <section aria-labelledby="density-title">
      <h2 id="density-title">Density</h2>
      {!d || d.references.length === 0 ? (
        <p>No density: it is computed when a run succeeds on a benchmark a reference family covers.</p>
      ) : (
        d.references.map((r) => (
          <div key={r.reference} className="scroll">
            <table aria-label={`Density against ${r.reference}`}>
              <caption>Against {r.reference} (fit v{r.version}{r.method ? `, ${r.method}` : ''})</caption>
              <thead><tr><th scope="col">Benchmark</th><th scope="col">Score</th><th scope="col">Params</th><th scope="col">Effective params</th><th scope="col">Density ρ</th></tr></thead>
              <tbody>
                {[r.headline, ...r.benchmarks].map((f) => (
                  <tr key={f.benchmark}>
                    <td>{f.benchmark}</td><td>{fmtNum(f.score)}</td><td>{fmtParams(f.params)}</td><td>{fmtParams(f.effectiveParams)}</td>
                    <td>{f.density !== null ? fmtNum(f.density) : <span title={f.message ?? ''}>{f.undefinedReason ?? '–'}</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))
      )}
      {d && d.efficiency.length > 0 && (
        <div className="scroll">
          <table aria-label="Token and cost figures">
            <thead><tr><th scope="col">Benchmark</th><th scope="col">Score</th><th scope="col">Output tokens</th><th scope="col">Token value</th><th scope="col">Cost density</th></tr></thead>
            <tbody>
              {d.efficiency.map((e) => (
                <tr key={e.benchmark}><td>{e.benchmark}</td><td>{fmtNum(e.score)}</td><td>{e.outputTokens}</td><td>{outcome(e.tokenValue.perThousandTokens ?? Object.values(e.tokenValue)[0])}</td><td>{outcome(e.costDensity.dollarsPerCorrect)}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
