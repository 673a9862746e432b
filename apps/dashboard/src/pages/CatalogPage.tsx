import { useState } from 'react';
import { Status, useApi } from '../components/useApi';
import { fmtParams } from '../format';
import type { Model, Page } from '../types';

interface Task {
  name: string;
  outputType?: string;
  numFewshot?: number;
  version?: string | number;
}

/** Registered models with their metadata, and the task list with each task's YAML. */
export function CatalogPage() {
  const models = useApi<Page<Model>>('/v1/models?limit=500');
  const catalog = useApi<{ tasks: Task[]; groups: Task[] }>('/v1/benchmarks');
  const [selected, setSelected] = useState<string | null>(null);
  const yaml = useApi<string>(selected ? `/v1/benchmarks/${encodeURIComponent(selected)}?format=yaml` : null);
  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">Models and benchmarks</h1>
      <h2>Models</h2>
      <Status error={models.error} loading={models.loading && !models.data} />
      <div className="scroll">
        <table>
          <thead><tr><th scope="col">Name</th><th scope="col">Parameters</th><th scope="col">Architecture</th><th scope="col">Backend</th><th scope="col">Released</th><th scope="col">$ per 1M tokens (in/out)</th></tr></thead>
          <tbody>
            {(models.data?.items ?? []).map((m) => (
              <tr key={m.id} data-model={m.name}>
                <td>{m.name}</td><td data-testid="params">{fmtParams(m.paramsTotal)}</td><td>{m.architecture ?? '–'}</td><td>{m.backend.kind}</td>
                <td>{m.releaseDate ?? '–'}</td><td>{m.priceInputPerM ?? '–'} / {m.priceOutputPerM ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Benchmarks</h2>
      <Status error={catalog.error} loading={catalog.loading && !catalog.data} />
      <div className="split">
        <ul className="task-list" aria-label="Tasks and groups">
          {[...(catalog.data?.groups ?? []), ...(catalog.data?.tasks ?? [])].map((t) => (
            <li key={t.name}>
              <button type="button" aria-pressed={selected === t.name} onClick={() => setSelected(t.name)}>{t.name}</button>
            </li>
          ))}
        </ul>
        <div aria-live="polite">
          {selected ? (
            <>
              <h3>{selected}</h3>
              <Status error={yaml.error} loading={yaml.loading} />
              <pre data-testid="task-yaml">{yaml.data}</pre>
            </>
          ) : (
            <p>Choose a task to read its YAML.</p>
          )}
        </div>
      </div>
    </section>
  );
}
