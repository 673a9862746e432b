import { FormEvent, useState } from 'react';
import { post } from '../api';
import { BenchmarkChoice, cliCommand, curlCommand, runRequest, SubmitForm } from '../commands';
import { Status, useApi } from '../components/useApi';
import { navigate } from '../router';
import type { Model, Page } from '../types';

const intOrUndefined = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));

/** The request of POST /v1/runs as a form, with the same request as a CLI command and as curl. */
export function SubmitPage() {
  const models = useApi<Page<Model>>('/v1/models?limit=500');
  const catalog = useApi<{ tasks: Array<{ name: string }>; groups: Array<{ name: string }> }>('/v1/benchmarks');
  const [modelId, setModelId] = useState('');
  const [rows, setRows] = useState<Array<{ name: string; limit: string; numFewshot: string }>>([{ name: 'arc_easy', limit: '20', numFewshot: '' }]);
  const [pool, setPool] = useState('cpu');
  const [priority, setPriority] = useState('0');
  const [shardSize, setShardSize] = useState('');
  const [error, setError] = useState<string | null>(null);
  const runnable = (models.data?.items ?? []).filter((m) => m.backend.kind !== 'imported');
  const model = runnable.find((m) => m.id === modelId) ?? runnable[0];
  const form: SubmitForm = {
    modelId: model?.id ?? '',
    modelName: model?.name ?? '',
    benchmarks: rows.filter((r) => r.name).map((r): BenchmarkChoice => ({ name: r.name, limit: intOrUndefined(r.limit), numFewshot: intOrUndefined(r.numFewshot) })),
    pool,
    priority: Number(priority) || 0,
    shardSize: intOrUndefined(shardSize),
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      navigate(`runs/${(await post<{ id: string }>('/v1/runs', runRequest(form))).id}`);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const set = (i: number, k: 'name' | 'limit' | 'numFewshot', v: string) => setRows(rows.map((r, j) => (j === i ? { ...r, [k]: v } : r)));
  const names = [...(catalog.data?.groups ?? []), ...(catalog.data?.tasks ?? [])].map((t) => t.name);
  return (
    <section aria-labelledby="submit-title">
      <h1 id="submit-title">Submit a run</h1>
      <Status error={models.error ?? catalog.error} loading={models.loading} />
      <form onSubmit={submit} className="stack">
        <label>
          Model
          <select name="model" value={model?.id ?? ''} onChange={(e) => setModelId(e.target.value)} required>
            {runnable.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
          </select>
        </label>
        <fieldset>
          <legend>Benchmarks</legend>
          <datalist id="benchmark-names">{names.map((n) => <option key={n} value={n} />)}</datalist>
          {rows.map((r, i) => (
            <div className="row" key={i}>
              <label>Benchmark {i + 1}<input name={`benchmark-${i}`} list="benchmark-names" value={r.name} onChange={(e) => set(i, 'name', e.target.value)} required /></label>
              <label>Limit {i + 1}<input name={`limit-${i}`} type="number" min={1} value={r.limit} onChange={(e) => set(i, 'limit', e.target.value)} /></label>
              <label>Few-shot {i + 1}<input name={`fewshot-${i}`} type="number" min={0} max={64} value={r.numFewshot} onChange={(e) => set(i, 'numFewshot', e.target.value)} /></label>
              {rows.length > 1 && <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>Remove benchmark {i + 1}</button>}
            </div>
          ))}
          <button type="button" onClick={() => setRows([...rows, { name: '', limit: '', numFewshot: '' }])}>Add a benchmark</button>
        </fieldset>
        <div className="row">
          <label>Pool<input name="pool" value={pool} onChange={(e) => setPool(e.target.value)} required pattern="[a-z0-9][a-z0-9_-]*" /></label>
          <label>Priority<input name="priority" type="number" min={0} max={100} value={priority} onChange={(e) => setPriority(e.target.value)} /></label>
          <label>Shard size<input name="shardSize" type="number" min={1} value={shardSize} placeholder="auto" onChange={(e) => setShardSize(e.target.value)} /></label>
        </div>
        <button type="submit" disabled={!model}>Submit run</button>
        {error && <p role="alert" className="error">{error}</p>}
      </form>
      <h2>The same from a shell</h2>
      <h3>CLI</h3>
      <pre data-testid="cli-command">{cliCommand(form, window.location.origin)}</pre>
      <h3>curl</h3>
      <pre data-testid="curl-command">{curlCommand(form, window.location.origin)}</pre>
    </section>
  );
}
