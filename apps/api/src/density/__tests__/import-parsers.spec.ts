import { DomainException } from '@app/contracts';
import { DensityException } from '@app/density';
import { ImportQueryDto } from '../imports/dto/import.dto';
import { parseCsvBody, parseLmEvalBody } from '../imports/import-parsers';

const FILE = {
  results: { arc_easy: { alias: 'arc_easy', 'acc,none': 0.6, 'acc_stderr,none': 0.01, 'acc_norm,none': 0.55, 'acc_norm_stderr,none': 'N/A' } },
  config: { model_args: 'pretrained=org/tiny', model_num_parameters: 1234 },
  git_hash: 'abc1234',
  lm_eval_version: '0.4.8',
};
const query = (q: Partial<ImportQueryDto> = {}) => Object.assign(new ImportQueryDto(), q);

describe('parseLmEvalBody', () => {
  it('keeps every metric of every task under densebench\'s metric keys, with the file\'s model facts', () => {
    const parsed = parseLmEvalBody(FILE, query());
    expect(parsed).toMatchObject({ format: 'lm-eval', fileName: null, source: null });
    expect(parsed.provenance).toMatchObject({ gitHash: 'abc1234', lmEvalVersion: '0.4.8', config: FILE.config });
    expect(parsed.models).toEqual([
      {
        name: 'org/tiny', params: 1234, activeParams: null, releaseDate: null, trainingTokens: null,
        scores: [
          { benchmark: 'arc_easy', metric: 'acc', value: 0.6, stderr: 0.01 },
          { benchmark: 'arc_easy', metric: 'acc_norm', value: 0.55, stderr: null },
        ],
      },
    ]);
  });

  it('takes model facts given alongside ({ file, model }) and lets the query win over them', () => {
    const body = { file: FILE, model: { name: 'tiny', params: 99, releaseDate: '2024-01-02', trainingTokens: 1e9 }, fileName: 'r.json', source: 'hf' };
    expect(parseLmEvalBody(body, query()).models[0]).toMatchObject({ name: 'tiny', params: 99, releaseDate: '2024-01-02', trainingTokens: 1e9 });
    expect(parseLmEvalBody(body, query()).fileName).toBe('r.json');
    expect(parseLmEvalBody(body, query({ name: 'other', params: 5 })).models[0]).toMatchObject({ name: 'other', params: 5 });
    expect(() => parseLmEvalBody({ file: FILE, model: { releaseDate: '02/01/2024' } }, query())).toThrow(DomainException);
    expect(() => parseLmEvalBody({ nothing: 1 }, query())).toThrow(DensityException);
  });
});

describe('parseCsvBody', () => {
  it('reads published scores as fractions ("%" cells converted), with each row\'s provenance', () => {
    const parsed = parseCsvBody('model,params,release_date,source,arc_easy,mmlu\nA,7B,2024-02,paper,63.4%,0.5\nB,1.1b,,,-,0.25\n', query({ fileName: 't.csv' }));
    expect(parsed).toMatchObject({ format: 'csv', fileName: 't.csv', source: 'paper' });
    expect(parsed.models[0]).toMatchObject({ name: 'A', params: 7e9, releaseDate: '2024-02-01' });
    expect(parsed.models[0].scores).toEqual([
      { benchmark: 'arc_easy', metric: null, value: expect.closeTo(0.634, 12), stderr: null },
      { benchmark: 'mmlu', metric: null, value: 0.5, stderr: null },
    ]);
    expect(parsed.models[1].scores).toEqual([{ benchmark: 'mmlu', metric: null, value: 0.25, stderr: null }]);
    expect(parsed.provenance.rows).toEqual([{ model: 'A', line: 2, source: 'paper' }, { model: 'B', line: 3, source: null }]);
  });

  it('refuses scores outside [0, 1] and empty tables, naming the line and column', () => {
    expect(() => parseCsvBody('model,params,arc_easy\nA,7B,63.4\n', query())).toThrow("csv line 2, column 'arc_easy': score 63.4 is not a fraction");
    expect(() => parseCsvBody('model,params,arc_easy\n', query())).toThrow('no model');
  });
});
