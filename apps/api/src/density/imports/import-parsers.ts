import { invalidInput } from '@app/contracts';
import { benchmarkKey, parseLmEvalResults, parsePublishedScoresCsv } from '@app/density';
import { ImportQueryDto, ImportedScoreDto } from './dto/import.dto';

/** A model as an import describes it, with its scores. */
export interface ParsedModel {
  name: string;
  params: number | null;
  activeParams: number | null;
  releaseDate: string | null;
  trainingTokens: number | null;
  scores: ImportedScoreDto[];
}

export interface ParsedImport {
  format: 'lm-eval' | 'csv';
  fileName: string | null;
  source: string | null;
  provenance: Record<string, unknown>;
  models: ParsedModel[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalNumber = (v: unknown, what: string): number | null => {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw invalidInput(`${what} must be a positive number`);
  return v;
};
const optionalDate = (v: unknown, what: string): string | null => {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw invalidInput(`${what} must be a date YYYY-MM-DD`);
  return v;
};
const optionalString = (v: unknown, what: string): string | null => {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length === 0) throw invalidInput(`${what} must be a non-empty string`);
  return v;
};

/**
 * An lm-evaluation-harness results_*.json: either the file itself as the body, or { file, model?: { name,
 * params, activeParams, releaseDate, trainingTokens }, fileName?, source? }. Query parameters win over both.
 * Every metric of every task is kept (key "metric" or "metric,filter", as densebench stores run metrics).
 */
export function parseLmEvalBody(body: Json, q: ImportQueryDto): ParsedImport {
  const wrapped = !isObject(body['results']) && isObject(body['file']);
  const doc = wrapped ? (body['file'] as Json) : body;
  const meta = wrapped && isObject(body['model']) ? (body['model'] as Json) : {};
  const fileName = q.fileName ?? (wrapped ? optionalString(body['fileName'], 'fileName') : null);
  const source = q.source ?? (wrapped ? optionalString(body['source'], 'source') : null);
  const parsed = parseLmEvalResults(doc, { source: source ?? undefined });
  // Scores are stored under benchmarkKey (mmlu@5-shot): the file's "n-shot", else lm-eval 0.3's config.num_fewshot.
  const config = isObject(doc['config']) ? (doc['config'] as Json) : {};
  const fileShots = typeof config['num_fewshot'] === 'number' ? config['num_fewshot'] : null;
  const scores: ImportedScoreDto[] = parsed.tasks.flatMap((t) =>
    t.metrics.map((m) => ({
      benchmark: benchmarkKey(t.task, t.nShot ?? fileShots),
      metric: m.filter === 'none' ? m.metric : `${m.metric},${m.filter}`,
      value: m.value,
      stderr: m.stderr,
    })),
  );
  const model: ParsedModel = {
    name: q.name ?? optionalString(meta['name'], 'model.name') ?? parsed.model.name,
    params: q.params ?? optionalNumber(meta['params'], 'model.params') ?? parsed.model.numParameters,
    activeParams: q.activeParams ?? optionalNumber(meta['activeParams'], 'model.activeParams'),
    releaseDate: q.releaseDate ?? optionalDate(meta['releaseDate'], 'model.releaseDate'),
    trainingTokens: q.trainingTokens ?? optionalNumber(meta['trainingTokens'], 'model.trainingTokens'),
    scores,
  };
  const provenance = {
    format: parsed.provenance.format,
    fileName,
    source,
    gitHash: parsed.provenance.gitHash,
    date: parsed.provenance.date,
    lmEvalVersion: typeof doc['lm_eval_version'] === 'string' ? doc['lm_eval_version'] : null,
    transformersVersion: parsed.provenance.transformersVersion,
    limit: parsed.provenance.limit,
    model: parsed.model,
    tasks: parsed.tasks.map((t) => ({ task: t.task, version: t.version, nShot: t.nShot, samples: t.samples, isGroup: t.isGroup })),
    config: isObject(doc['config']) ? doc['config'] : null,
  };
  return { format: 'lm-eval', fileName, source, provenance, models: [model] };
}

/**
 * A CSV table of published scores (libs/density parsePublishedScoresCsv): model, params, optional
 * active_params, release_date, training_tokens, source, and one column per benchmark. Scores are fractions
 * ("0.634") or percentages written with "%" ("63.4%"); anything outside [0, 1] is refused with its line.
 */
export function parseCsvBody(text: string, q: ImportQueryDto): ParsedImport {
  const records = parsePublishedScoresCsv(text, { file: q.fileName });
  if (records.length === 0) throw invalidInput('csv: the table has a header but no model');
  for (const r of records) {
    for (const [benchmark, value] of Object.entries(r.scores)) {
      if (!(value >= 0 && value <= 1)) {
        throw invalidInput(`csv line ${r.provenance.line}, column '${benchmark}': score ${value} is not a fraction in [0, 1] (write 63.4% or 0.634)`);
      }
    }
  }
  const sources = [...new Set(records.map((r) => r.provenance.source).filter((s): s is string => !!s))];
  const source = q.source ?? (sources.length === 1 ? sources[0] : null);
  return {
    format: 'csv',
    fileName: q.fileName ?? null,
    source,
    provenance: {
      format: 'published-scores-csv',
      fileName: q.fileName ?? null,
      source,
      rows: records.map((r) => ({ model: r.model, line: r.provenance.line, source: r.provenance.source })),
    },
    models: records.map((r) => ({
      name: r.model,
      params: r.params,
      activeParams: r.activeParams,
      releaseDate: r.releaseDate,
      trainingTokens: r.trainingTokens,
      scores: Object.entries(r.scores).map(([benchmark, value]) => ({ benchmark, metric: null, value, stderr: null })),
    })),
  };
}
