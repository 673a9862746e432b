import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateEnv } from './env.schema';
import { kitDir, packageRoot } from './install-paths';
import { hubConfigFrom, pathsConfigFrom } from './namespaces';

const REPO = resolve(__dirname, '..', '..', '..');

describe('where data and models are looked up', () => {
  it('in order: DENSEBENCH_*_DIR when set, ../shared beside the checkout, DENSEBENCH_HOME, the demo kit', () => {
    const env = validateEnv({ DENSEBENCH_HOME: '/h/.densebench' });
    expect(pathsConfigFrom(env, '/w/densebench')).toEqual({
      home: '/h/.densebench',
      dataRoots: ['/w/shared/data', '/h/.densebench/data', '/w/densebench/infra/embedded/kit/data'],
      modelRoots: ['/w/shared/models', '/h/.densebench/models', '/w/densebench/infra/embedded/kit/models'],
    });
    const set = validateEnv({ DENSEBENCH_HOME: '/h/.densebench', DENSEBENCH_DATA_DIR: '/d', DENSEBENCH_MODELS_DIR: '/w/shared/models' });
    expect(pathsConfigFrom(set, '/w/densebench').dataRoots).toEqual(['/d', '/w/shared/data', '/h/.densebench/data', '/w/densebench/infra/embedded/kit/data']);
    expect(pathsConfigFrom(set, '/w/densebench').modelRoots[0]).toBe('/w/shared/models');
    expect(pathsConfigFrom(set, '/w/densebench').modelRoots).toHaveLength(3); // no folder twice
  });

  it('from the installed package, whatever the working directory, from sources and from dist/', () => {
    const cwd = process.cwd();
    try {
      process.chdir(tmpdir());
      const paths = pathsConfigFrom(validateEnv({ DENSEBENCH_HOME: '/h' }));
      expect(paths.dataRoots).toEqual([resolve(REPO, '..', 'shared', 'data'), '/h/data', join(REPO, 'infra', 'embedded', 'kit', 'data')]);
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
