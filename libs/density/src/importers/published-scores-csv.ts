import { parse } from 'csv-parse/sync';
import { DensityErrorCode, DensityException } from '../density.exception';
import { parseDay, parseQuantity, parseScore } from './quantity';

/** One row of a published-scores table, with where it came from. */
export interface PublishedScoreRecord {
  model: string;
  params: number;
  activeParams: number | null;
  releaseDate: string | null;
  trainingTokens: number | null;
  /** Benchmark → score as published (a "%" cell is turned into a fraction). */
  scores: Record<string, number>;
  provenance: { source: string | null; file: string | null; line: number };
}

type Field = 'model' | 'params' | 'activeParams' | 'releaseDate' | 'trainingTokens' | 'source';

/** Header spellings understood for the fixed columns (compared lower-cased, spaces and dashes as underscores). */
const ALIASES: Record<Field, string[]> = {
  model: ['model', 'model_name', 'name'],
  params: ['params', 'parameters', 'n_params', 'num_params', 'total_params'],
  activeParams: ['active_params', 'activated_params', 'active_parameters'],
  releaseDate: ['release_date', 'released', 'date'],
  trainingTokens: ['training_tokens', 'train_tokens', 'tokens'],
  source: ['source', 'source_url', 'url', 'provenance', 'reference'],
};

const normalise = (header: string) => header.trim().toLowerCase().replace(/[\s-]+/g, '_');

function classify(headers: string[]): { fields: Partial<Record<Field, string>>; benchmarks: string[] } {
  const seen = new Set<string>();
  const fields: Partial<Record<Field, string>> = {};
  const benchmarks: string[] = [];
  for (const header of headers) {
    if (seen.has(header)) throw new DensityException(DensityErrorCode.InvalidInput, `csv line 1: duplicate column '${header}'`);
    seen.add(header);
    const field = (Object.keys(ALIASES) as Field[]).find((f) => ALIASES[f].includes(normalise(header)));
    if (field && !fields[field]) fields[field] = header;
    else benchmarks.push(header);
  }
  for (const required of ['model', 'params'] as const) {
    if (!fields[required]) {
      throw new DensityException(DensityErrorCode.InvalidInput, `csv line 1: missing the '${required}' column (accepted: ${ALIASES[required].join(', ')})`);
    }
  }
  return { fields, benchmarks };
}

/**
 * Parses a CSV table of published scores: columns model, params (required), active_params, release_date,
 * training_tokens, source (optional, several spellings), and one column per benchmark. Counts accept
 * suffixes (7B, 15T); empty, "-" and "N/A" score cells are missing scores. Errors name the line and column.
 */
export function parsePublishedScoresCsv(text: string, opts: { file?: string } = {}): PublishedScoreRecord[] {
  let rows: Array<{ record: Record<string, string>; info: { lines: number } }>;
  let layout: ReturnType<typeof classify> | undefined;
  try {
    rows = parse(text, {
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim());
        layout = classify(names);
        return names;
      },
      info: true,
      skip_empty_lines: true,
      bom: true,
    });
  } catch (error) {
    if (error instanceof DensityException) throw error;
    throw new DensityException(DensityErrorCode.InvalidInput, `csv: ${(error as Error).message}`);
  }
  if (!layout) throw new DensityException(DensityErrorCode.InvalidInput, 'csv: the table is empty (no header line)');
  const { fields, benchmarks } = layout;
  const cell = (row: Record<string, string>, field: Field) => (fields[field] ? row[fields[field]!] ?? '' : '');
  return rows.map(({ record, info }) => {
    const at = (column: string | undefined) => `csv line ${info.lines}, column '${column}'`;
    const model = cell(record, 'model').trim();
    if (!model) throw new DensityException(DensityErrorCode.InvalidInput, `${at(fields.model)}: the model name is empty`);
    const params = parseQuantity(cell(record, 'params'), at(fields.params));
    if (params === null) throw new DensityException(DensityErrorCode.InvalidInput, `${at(fields.params)}: the parameter count is empty`);
    const scores: Record<string, number> = {};
    for (const b of benchmarks) {
      const score = parseScore(record[b] ?? '', at(b));
      if (score !== null) scores[b] = score;
    }
    return {
      model,
      params,
      activeParams: parseQuantity(cell(record, 'activeParams'), at(fields.activeParams)),
      releaseDate: parseDay(cell(record, 'releaseDate'), at(fields.releaseDate)),
      trainingTokens: parseQuantity(cell(record, 'trainingTokens'), at(fields.trainingTokens)),
      scores,
      provenance: { source: cell(record, 'source').trim() || null, file: opts.file ?? null, line: info.lines },
    };
  });
}
