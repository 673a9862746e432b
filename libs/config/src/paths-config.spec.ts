import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateEnv } from './env.schema';
import { kitDir, packageRoot } from './install-paths';
import { hubConfigFrom, pathsConfigFrom } from './namespaces';

const REPO = resolve(__dirname, '..', '..', '..');
/** A folder of no machine in particular, for the made-up install and home paths. */
const T = join(tmpdir(), 'paths-config');

describe('where data and models are looked up', () => {
  it('in order: DENSEBENCH_*_DIR when set, ../shared beside the checkout, DENSEBENCH_HOME, the demo kit', () => {
    const env = validateEnv({ DENSEBENCH_HOME: join(T, 'h/.densebench') });
    expect(pathsConfigFrom(env, join(T, 'w/densebench'))).toEqual({
      home: join(T, 'h/.densebench'),
      dataRoots: [join(T, 'w/shared/data'), join(T, 'h/.densebench/data'), join(T, 'w/densebench/infra/embedded/kit/data')],
      modelRoots: [join(T, 'w/shared/models'), join(T, 'h/.densebench/models'), join(T, 'w/densebench/infra/embedded/kit/models')],
    });
    const set = validateEnv({ DENSEBENCH_HOME: join(T, 'h/.densebench'), DENSEBENCH_DATA_DIR: join(T, 'd'), DENSEBENCH_MODELS_DIR: join(T, 'w/shared/models') });
    expect(pathsConfigFrom(set, join(T, 'w/densebench')).dataRoots).toEqual([join(T, 'd'), join(T, 'w/shared/data'), join(T, 'h/.densebench/data'), join(T, 'w/densebench/infra/embedded/kit/data')]);
    expect(pathsConfigFrom(set, join(T, 'w/densebench')).modelRoots[0]).toBe(join(T, 'w/shared/models'));
    expect(pathsConfigFrom(set, join(T, 'w/densebench')).modelRoots).toHaveLength(3); // no folder twice
  });

  it('from the installed package, whatever the working directory, from sources and from dist/', () => {
    const cwd = process.cwd();
    try {
      process.chdir(tmpdir());
      const paths = pathsConfigFrom(validateEnv({ DENSEBENCH_HOME: join(T, 'h') }));
      expect(paths.dataRoots).toEqual([resolve(REPO, '..', 'shared', 'data'), join(T, 'h', 'data'), join(REPO, 'infra', 'embedded', 'kit', 'data')]);
    } finally {
      process.chdir(cwd);
    }
    expect(packageRoot()).toBe(REPO);
    const install = mkdtempSync(join(tmpdir(), 'install-'));
    writeFileSync(join(install, 'package.json'), JSON.stringify({ name: 'densebench' }));
    mkdirSync(join(install, 'dist', 'libs', 'config', 'src'), { recursive: true });
    writeFileSync(join(install, 'dist', 'package.json'), JSON.stringify({ name: 'something-else' }));
    expect(packageRoot(join(install, 'dist', 'libs', 'config', 'src'))).toBe(install);
    expect(kitDir(install)).toBe(join(install, 'infra', 'embedded', 'kit'));
  });
});

describe('the Hugging Face Hub settings', () => {
  it("uses huggingface_hub's variables and defaults", () => {
    expect(hubConfigFrom(validateEnv({ HOME: '/u' }))).toMatchObject({ endpoint: 'https://huggingface.co', token: undefined });
    expect(hubConfigFrom(validateEnv({ XDG_CACHE_HOME: '/x' })).cacheDir).toBe('/x/huggingface/hub');
    expect(hubConfigFrom(validateEnv({ HF_HOME: '/hf', XDG_CACHE_HOME: '/x' })).cacheDir).toBe('/hf/hub');
    expect(hubConfigFrom(validateEnv({ HF_HOME: '/hf', HF_HUB_CACHE: '/cache' })).cacheDir).toBe('/cache');
    expect(hubConfigFrom(validateEnv({ HF_ENDPOINT: 'http://127.0.0.1:8080/', HF_TOKEN: 'hf_x' }))).toMatchObject({ endpoint: 'http://127.0.0.1:8080', token: 'hf_x' });
    expect(() => validateEnv({ HF_ENDPOINT: 'not a url' })).toThrow(/HF_ENDPOINT/);
  });
});
