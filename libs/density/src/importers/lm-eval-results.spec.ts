import { DensityErrorCode } from '../density.exception';
import { lmEvalScores, parseLmEvalResults, primaryMetric } from './lm-eval-results';

// Shaped exactly like lm-evaluation-harness 0.4.x `results_2024-06-03T10-15-42.123456.json` (trimmed configs).
const resultsFile = JSON.stringify({
  results: {
    arc_easy: {
      alias: 'arc_easy',
      'acc,none': 0.7609427609427609,
      'acc_stderr,none': 0.008751067294582766,
      'acc_norm,none': 0.7327441077441077,
      'acc_norm_stderr,none': 0.009080463246017469,
    },
    gsm8k: {
      alias: 'gsm8k',
      'exact_match,strict-match': 0.3525398028809704,
      'exact_match_stderr,strict-match': 0.013159909755930337,
      'exact_match,flexible-extract': 0.3631539044730857,
      'exact_match_stderr,flexible-extract': 0.013244275733926014,
    },
    mmlu: { 'acc,none': 0.6236, 'acc_stderr,none': 0.0038, alias: 'mmlu' },
    mmlu_humanities: { 'acc,none': 0.5684, 'acc_stderr,none': 0.0066, alias: ' - humanities' },
    lambada_openai: { alias: 'lambada_openai', 'perplexity,none': 3.4, 'perplexity_stderr,none': 'N/A', 'acc,none': 0.71, 'acc_stderr,none': 'N/A' },
  },
  groups: { mmlu: { 'acc,none': 0.6236, 'acc_stderr,none': 0.0038, alias: 'mmlu' } },
  group_subtasks: { mmlu_humanities: ['mmlu_formal_logic'], mmlu: ['mmlu_humanities'], arc_easy: [], gsm8k: [], lambada_openai: [] },
  configs: { arc_easy: { task: 'arc_easy', dataset_path: 'allenai/ai2_arc', output_type: 'multiple_choice' } },
  versions: { arc_easy: 1.0, gsm8k: 3.0, mmlu: 2, mmlu_humanities: 2, lambada_openai: 1.0 },
  'n-shot': { arc_easy: 0, gsm8k: 5, mmlu: 0, mmlu_humanities: 0, lambada_openai: 0 },
  higher_is_better: {
    arc_easy: { acc: true, acc_norm: true },
    gsm8k: { exact_match: true },
    lambada_openai: { perplexity: false, acc: true },
  },
  'n-samples': {
    arc_easy: { original: 2376, effective: 2376 },
    gsm8k: { original: 1319, effective: 1319 },
    lambada_openai: { original: 5153, effective: 5153 },
  },
  config: {
    model: 'hf',
    model_args: 'pretrained=mistralai/Mistral-7B-v0.1,dtype=bfloat16,revision=main',
    model_num_parameters: 7241732096,
    model_dtype: 'torch.bfloat16',
    model_revision: 'main',
    model_sha: '26bca36bde8333b5d7f72e9ed20ccda6a618af24',
    batch_size: 'auto',
    batch_sizes: [64],
    device: 'cuda:0',
    use_cache: null,
    limit: null,
    bootstrap_iters: 100000,
    gen_kwargs: null,
    random_seed: 0,
    numpy_seed: 1234,
    torch_seed: 1234,
    fewshot_seed: 1234,
  },
  git_hash: '4600d6bf',
  date: 1717409742.123456,
  pretty_env_info: 'PyTorch version: 2.3.0+cu121 …',
  transformers_version: '4.41.2',
  upper_git_hash: null,
  tokenizer_pad_token: ['<unk>', '0'],
  tokenizer_eos_token: ['</s>', '2'],
  tokenizer_bos_token: ['<s>', '1'],
  eot_token_id: 2,
  max_length: 32768,
  task_hashes: {},
  model_source: 'hf',
  model_name: 'mistralai/Mistral-7B-v0.1',
  model_name_sanitized: 'mistralai__Mistral-7B-v0.1',
  system_instruction: null,
  system_instruction_sha: null,
  fewshot_as_multiturn: false,
  chat_template: null,
  chat_template_sha: null,
  start_time: 1052.74,
  end_time: 4215.88,
  total_evaluation_time_seconds: '3163.14',
});

describe('lm-evaluation-harness results importer', () => {
  const parsed = parseLmEvalResults(resultsFile, { source: 's3://densebench/runs/r1/results_2024-06-03T10-15-42.json' });

  it('reads the model, its parameter count and the provenance', () => {
    expect(parsed.model).toEqual({
      name: 'mistralai/Mistral-7B-v0.1',
      args: { pretrained: 'mistralai/Mistral-7B-v0.1', dtype: 'bfloat16', revision: 'main' },
      numParameters: 7241732096,
      dtype: 'torch.bfloat16',
      revision: 'main',
      sha: '26bca36bde8333b5d7f72e9ed20ccda6a618af24',
    });
    expect(parsed.provenance).toEqual({
      format: 'lm-evaluation-harness',
      source: 's3://densebench/runs/r1/results_2024-06-03T10-15-42.json',
      gitHash: '4600d6bf',
      date: '2024-06-03T10:15:42.123Z',
      transformersVersion: '4.41.2',
      limit: null,
    });
  });

  it('reads scores with their stderr, filter, version, n-shot and sample counts', () => {
    const arc = parsed.tasks.find((t) => t.task === 'arc_easy')!;
    expect(arc).toMatchObject({ alias: 'arc_easy', version: '1', nShot: 0, samples: { original: 2376, effective: 2376 }, isGroup: false });
    expect(arc.metrics).toEqual([
      { metric: 'acc', filter: 'none', value: 0.7609427609427609, stderr: 0.008751067294582766, higherIsBetter: true },
      { metric: 'acc_norm', filter: 'none', value: 0.7327441077441077, stderr: 0.009080463246017469, higherIsBetter: true },
    ]);
    const gsm = parsed.tasks.find((t) => t.task === 'gsm8k')!;
    expect(primaryMetric(gsm, ['exact_match'], 'strict-match')).toEqual({
      metric: 'exact_match', filter: 'strict-match', value: 0.3525398028809704, stderr: 0.013159909755930337, higherIsBetter: true,
    });
    expect(gsm.nShot).toBe(5);
    expect(primaryMetric(arc)!.metric).toBe('acc_norm');
  });

  it('marks groups, trims subtask aliases and keeps "N/A" stderr as null', () => {
    expect(parsed.tasks.find((t) => t.task === 'mmlu')!.isGroup).toBe(true);
    expect(parsed.tasks.find((t) => t.task === 'mmlu_humanities')).toMatchObject({ alias: '- humanities', isGroup: true });
    const lambada = parsed.tasks.find((t) => t.task === 'lambada_openai')!;
    expect(lambada.metrics).toContainEqual({ metric: 'perplexity', filter: 'none', value: 3.4, stderr: null, higherIsBetter: false });
  });

  it('gives one primary score per task, ready for density', () => {
    const scores = lmEvalScores(parsed, { prefer: ['acc_norm', 'acc', 'exact_match'] });
    expect(scores.arc_easy).toEqual({ score: 0.7327441077441077, stderr: 0.009080463246017469, metric: 'acc_norm', filter: 'none' });
    expect(scores.gsm8k).toEqual({ score: 0.3525398028809704, stderr: 0.013159909755930337, metric: 'exact_match', filter: 'strict-match' });
    expect(scores.mmlu.score).toBe(0.6236);
    expect(Object.keys(lmEvalScores(parsed, { prefer: ['exact_match'], filter: 'flexible-extract' }))).toEqual(['gsm8k']);
  });

  it('takes the model name from model_args when model_name is absent, and accepts an object', () => {
    const doc = JSON.parse(resultsFile);
    delete doc.model_name;
    expect(parseLmEvalResults(doc).model.name).toBe('mistralai/Mistral-7B-v0.1');
    doc.config.model_args = 'model=gpt-4o-mini,base_url=http://localhost:8000/v1';
    expect(parseLmEvalResults(doc).model.name).toBe('gpt-4o-mini');
  });

  it('names the field of malformed input', () => {
    const doc = JSON.parse(resultsFile);
    doc.results.arc_easy['acc,none'] = 'high';
    expect(() => parseLmEvalResults(doc)).toThrow(
      expect.objectContaining({ code: DensityErrorCode.InvalidInput, message: 'lm-eval results: results.arc_easy["acc,none"] must be a number, got "high"' }),
    );
    expect(() => parseLmEvalResults('{"results": ')).toThrow(/lm-eval results: file is not valid JSON/);
    expect(() => parseLmEvalResults({ config: {} })).toThrow(/"results" is missing/);
    expect(() => parseLmEvalResults({ results: {}, config: { model_args: 'dtype=float16' } })).toThrow(/model is not named/);
  });
});
