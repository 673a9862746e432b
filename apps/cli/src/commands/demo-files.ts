import { hubConfigFrom, loadEnv, pathsConfigFrom } from '@app/config';
import { TaskRegistry } from '@app/benchmarks';
import { isHubUri, locateFile } from '@app/files';
import { downloadBars } from '../download-bars';

export interface DemoFiles {
  /** The backend spec to register the model with. */
  backend: { kind: 'llama-cpp'; path: string } | { kind: 'llama-cpp'; url: string };
  /** The model's name in the service. */
  name: string;
  /** Lines saying where each file was found. */
  found: string[];
}

/**
 * Everything the demo will read, looked up (and hf:// files downloaded, with a progress bar) before
 * anything starts, exactly as the services will: the model file, and every data file of the
 * benchmark's tasks. Throws the one "not found" message (a DomainException) when something is missing.
 */
export async function demoFiles(model: string, benchmark: string): Promise<DemoFiles> {
  const env = loadEnv();
  const paths = pathsConfigFrom(env);
  const hub = { ...hubConfigFrom(env), onProgress: downloadBars() };
  const modelPath = await locateFile(model, { kind: 'model', roots: paths.modelRoots, hub });
  const found = [`model ${model}: ${modelPath}`];
  const registry = new TaskRegistry(paths.dataRoots, { hub });
  for (const task of registry.hasGroup(benchmark) ? registry.expand(benchmark) : [benchmark]) {
    const ds = await registry.dataset(task);
    for (const f of [...ds.eval.files, ...(ds.fewshot?.files ?? [])]) found.push(`data ${f.uri}: ${f.location}`);
  }
  const hf = isHubUri(model);
  return {
    backend: hf ? { kind: 'llama-cpp', url: model } : { kind: 'llama-cpp', path: model },
    name: (hf ? model.slice('hf://'.length) : model).replace(/\.gguf(@.*)?$/, ''),
    found: [...new Set(found)],
  };
}
