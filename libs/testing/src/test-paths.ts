import { join } from 'node:path';
// Relative, not @app/config: jest's globalSetup loads this file without the path aliases.
import { loadEnv, packageRoot, pathsConfigFrom } from '../../config/src';

/**
 * Where tests find the real data, models and llama.cpp's tools, the way the product finds them: the first data and
 * model folders of the configuration (DENSEBENCH_DATA_DIR / DENSEBENCH_MODELS_DIR, else ../shared beside the
 * checkout), and the tools folder infra/llama-tools/build.js builds into (LLAMA_CPP_TOOLS_DIR, else the cache).
 * Kept free of the service libraries so unit tests can import it (`@app/testing/paths`).
 */
const paths = pathsConfigFrom(loadEnv());
export const DATA_DIR = paths.dataRoots[0];
export const MODELS_DIR = paths.modelRoots[0];
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const LLAMA_TOOLS_BIN: string = (require(join(packageRoot(), 'libs', 'inference', 'native', 'paths.js')) as { llamaToolsBinDir(): string }).llamaToolsBinDir();
