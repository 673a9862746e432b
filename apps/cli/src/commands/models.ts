import { Command } from 'commander';
import { basename } from 'node:path';
import { DensebenchClient } from '../api-client';

export interface ModelRow {
  id: string;
  name: string;
  paramsTotal: number;
  architecture: string | null;
  trainingTokens: number | null;
  releaseDate: string | null;
  backend: { kind: string; path?: string; url?: string; baseUrl?: string; model?: string };
  createdAt: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUrl = (s: string) => /^(hf|s3|https?):\/\//.test(s);

/** A model by id or by name (what `submit --model` and the other commands take). */
export async function resolveModel(client: DensebenchClient, ref: string): Promise<ModelRow> {
  if (UUID.test(ref)) return client.get<ModelRow>(`/v1/models/${ref}`);
  const found = await client.get<{ items: ModelRow[] }>(`/v1/models?name=${encodeURIComponent(ref)}`);
  if (found.items[0]) return found.items[0];
  throw new Error(`no model named "${ref}": densebench models list shows the registered ones; densebench models add <file.gguf | hf://…> adds one`);
}

/** The name a model file is registered under by default: its file name without .gguf (and without a @revision). */
export function defaultModelName(file: string): string {
  return basename(file.replace(/@[^/]*$/, '')).replace(/\.gguf$/i, '');
}

const where = (b: ModelRow['backend']) => b.path ?? b.url ?? (b.baseUrl ? `${b.baseUrl} ${b.model}` : '');
const count = (n: number) => (n >= 1e9 ? `${(n / 1e9).toPrecision(3)}B` : n >= 1e6 ? `${(n / 1e6).toPrecision(3)}M` : n >= 1e3 ? `${(n / 1e3).toPrecision(3)}K` : String(n));

export function formatModels(rows: readonly ModelRow[]): string[] {
  if (rows.length === 0) return ['no model registered yet: densebench models add <file.gguf | hf://owner/repo/file.gguf>'];
  const w = Math.max(...rows.map((r) => r.name.length));
  return rows.map((r) => `${r.name.padEnd(w)}  ${count(r.paramsTotal).padStart(6)}  ${(r.architecture ?? r.backend.kind).padEnd(10)}  ${where(r.backend)}  ${r.id}`);
}

/** `densebench models add | list`. */
export function modelsCommand(apiOpt: (c: Command) => Command, int: (v: string) => number): Command {
  const models = new Command('models').description('registered models');

  apiOpt(models.command('add <file>'))
    .description('register a GGUF model: a file in the model folders (DENSEBENCH_MODELS_DIR) or an hf://, https:// or s3:// URL; its size and architecture are read from its header')
    .option('--name <name>', 'name (default: the file name without .gguf)')
    .option('--params <n>', 'total parameters, when the header cannot be read (s3://); must agree with the header otherwise', int)
    .option('--training-tokens <n>', 'training tokens D (for reference families)', Number)
    .option('--release-date <yyyy-mm-dd>', 'release date (for the density trend)')
    .option('--sha256 <hex>', 'expected sha256 of the file')
    .option('--json', 'the registered model as JSON')
    .action(async (file: string, o) => {
      const client = new DensebenchClient(o.api);
      const backend = { kind: 'llama-cpp', ...(isUrl(file) ? { url: file } : { path: file }), ...(o.sha256 ? { sha256: o.sha256 } : {}) };
      const body = {
        name: o.name ?? defaultModelName(file),
        ...(o.params !== undefined ? { paramsTotal: o.params } : {}),
        ...(o.trainingTokens !== undefined ? { trainingTokens: o.trainingTokens } : {}),
        ...(o.releaseDate ? { releaseDate: o.releaseDate } : {}),
        backend,
      };
      const model = await client.post<ModelRow>('/v1/models', body);
      console.log(o.json ? JSON.stringify(model, null, 2) : formatModels([model]).join('\n'));
    });

  apiOpt(models.command('list'))
    .description('list the registered models')
    .option('--name <name>', 'only the model of that name')
    .option('--json', 'raw JSON')
    .action(async (o) => {
      const client = new DensebenchClient(o.api);
      const page = await client.get<{ items: ModelRow[]; total: number }>(`/v1/models?limit=500${o.name ? `&name=${encodeURIComponent(o.name)}` : ''}`);
      console.log(o.json ? JSON.stringify(page.items, null, 2) : formatModels(page.items).join('\n'));
    });

  return models;
}
