import { ErrorCode } from '@app/contracts';
import { parseHubUri, resolveUrl } from '../hub/hf-uri';

describe('hf:// URIs', () => {
  it('models: hf://owner/repo/path[@revision] or hf://owner/repo@revision/path', () => {
    expect(parseHubUri('hf://ggml-org/models/tinyllamas/stories260K.gguf')).toMatchObject({
      repoType: 'model',
      repoId: 'ggml-org/models',
      revision: 'main',
      path: 'tinyllamas/stories260K.gguf',
    });
    expect(parseHubUri('hf://o/r/f.gguf@v1.0')).toMatchObject({ repoId: 'o/r', revision: 'v1.0', path: 'f.gguf' });
    expect(parseHubUri('hf://o/r@refs%2Fpr%2F3/f.gguf')).toMatchObject({ revision: 'refs/pr/3', path: 'f.gguf' });
    expect(parseHubUri('hf://o/r/f.gguf', 'dev').revision).toBe('dev');
  });

  it('datasets: hf://datasets/owner/name[@revision]/path, and a legacy id without owner before @revision', () => {
    expect(parseHubUri('hf://datasets/cais/mmlu@refs%2Fconvert%2Fparquet/all/test/0000.parquet')).toMatchObject({
      repoType: 'dataset',
      repoId: 'cais/mmlu',
      revision: 'refs/convert/parquet',
      path: 'all/test/0000.parquet',
    });
    expect(parseHubUri('hf://datasets/hellaswag@main/x.parquet')).toMatchObject({ repoId: 'hellaswag', path: 'x.parquet' });
    expect(parseHubUri('hf://datasets/a/b/dir/x.json')).toMatchObject({ repoId: 'a/b', revision: 'main', path: 'dir/x.json' });
  });

  it('refuses what is not a file inside a repository (nothing may step out of the cache)', () => {
    for (const bad of ['hf://owner', 'hf://o/r', 'hf://o/r/../x.gguf', 'hf://o/r/a//b', 'hf://o/r@v1/f.gguf@v2', 'hf://datasets/a', 'hf://o/r@..%2F..%2Fx/f.gguf']) {
      expect(() => parseHubUri(bad)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidInput }));
    }
  });

  it('builds the Hub resolve URL as huggingface_hub does (revision percent-encoded, path kept)', () => {
    expect(resolveUrl('https://hf-mirror.example', parseHubUri('hf://datasets/cais/mmlu@refs%2Fconvert%2Fparquet/all/test/0000.parquet'))).toBe(
      'https://hf-mirror.example/datasets/cais/mmlu/resolve/refs%2Fconvert%2Fparquet/all/test/0000.parquet',
    );
    expect(resolveUrl('https://huggingface.co', parseHubUri('hf://o/r/sub dir/f.gguf'))).toBe('https://huggingface.co/o/r/resolve/main/sub%20dir/f.gguf');
  });
});
