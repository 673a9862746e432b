import { useState } from 'react';
import { formatEta, ProgressRates, progressLines } from '../../../../libs/contracts/src/progress-rates';
import { fmtInt, fmtRate } from '../format';
import type { BenchmarkProgress } from '../types';

/** Live progress: one row per benchmark or group (a group expands to its tasks) with samples, tokens/s and ETA. */
export function ProgressTable({ benchmarks, rates }: { benchmarks: BenchmarkProgress[]; rates: ProgressRates }) {
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const toggle = (name: string) => setExpanded((s) => (s.has(name) ? new Set([...s].filter((x) => x !== name)) : new Set([...s, name])));
  return (
    <div className="scroll">
      <table aria-label="Progress per benchmark">
        <thead>
          <tr><th scope="col">Benchmark</th><th scope="col">Samples</th><th scope="col">Progress</th><th scope="col">Samples/s</th><th scope="col">Tokens/s</th><th scope="col">ETA</th></tr>
        </thead>
        <tbody>
          {progressLines(benchmarks, expanded).map((b) => {
            const r = rates.rate(b.name, b.total);
            const pct = b.total ? Math.round((100 * Math.min(b.done, b.total)) / b.total) : 0;
            return (
              <tr key={b.name} data-benchmark={b.name} className={b.depth ? 'member' : undefined}>
                <th scope="row">
                  {b.isGroup ? (
                    <button type="button" aria-expanded={expanded.has(b.name)} onClick={() => toggle(b.name)}>
                      {expanded.has(b.name) ? '▾' : '▸'} {b.name}
                    </button>
                  ) : (
                    <span style={{ paddingLeft: b.depth ? '1.5em' : 0 }}>{b.name}</span>
                  )}
                </th>
                <td data-testid="samples">{fmtInt(b.done)} / {fmtInt(b.total)}</td>
                <td><progress max={b.total || 1} value={Math.min(b.done, b.total)} aria-label={`${b.name} ${pct}%`} /> {pct}%</td>
                <td>{fmtRate(r.samplesPerS)}</td>
                <td>{fmtRate(r.tokensPerS)}</td>
                <td>{formatEta(r.etaS)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
