import { DensityErrorCode } from '../density.exception';
import { parsePublishedScoresCsv } from './published-scores-csv';

const table = [
  'Model,Params,Active Params,Release Date,Training Tokens,MMLU,BBH,MATH,Source',
  'Llama-2-7B,7B,,2023-07-18,2T,45.3,32.6,4.1,https://arxiv.org/abs/2307.09288',
  'Mistral-7B,7.24e9,,2023-09-27,,62.5,,12.7,https://arxiv.org/abs/2310.06825',
  '"Mixtral-8x7B",46.7B,12.9B,2023-12,,70.6,N/A,28.4%,https://arxiv.org/abs/2401.04088',
  '',
].join('\n');

describe('published scores CSV importer', () => {
  it('reads sizes with suffixes, dates, benchmark columns and provenance with line numbers', () => {
    const rows = parsePublishedScoresCsv(table, { file: 'published/base-models.csv' });
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      model: 'Llama-2-7B',
      params: 7e9,
      activeParams: null,
      releaseDate: '2023-07-18',
      trainingTokens: 2e12,
      scores: { MMLU: 45.3, BBH: 32.6, MATH: 4.1 },
      provenance: { source: 'https://arxiv.org/abs/2307.09288', file: 'published/base-models.csv', line: 2 },
    });
    expect(rows[1]).toMatchObject({ params: 7.24e9, trainingTokens: null, scores: { MMLU: 62.5, MATH: 12.7 } });
    expect(rows[2]).toMatchObject({ model: 'Mixtral-8x7B', params: 46.7e9, activeParams: 12.9e9, releaseDate: '2023-12-01', scores: { MMLU: 70.6, MATH: 0.284 } });
    expect(rows[2].provenance.line).toBe(4);
  });

  it('names the line and column of a bad cell', () => {
    const bad = table.replace('Mistral-7B,7.24e9', 'Mistral-7B,seven');
    expect(() => parsePublishedScoresCsv(bad)).toThrow(
      expect.objectContaining({ code: DensityErrorCode.InvalidInput, message: "csv line 3, column 'Params': expected a count such as 7e9 or 7B, got 'seven'" }),
    );
    expect(() => parsePublishedScoresCsv(table.replace('45.3', '45.x'))).toThrow("csv line 2, column 'MMLU': expected a score such as 63.4 or 0.634, got '45.x'");
    expect(() => parsePublishedScoresCsv(table.replace('2023-07-18', '18/07/2023'))).toThrow("csv line 2, column 'Release Date'");
  });

  it('reports structural CSV errors and missing required columns', () => {
    expect(() => parsePublishedScoresCsv('model,params,MMLU\nA,1B,40,extra\n')).toThrow(/csv: Invalid Record Length.*line 2/);
    expect(() => parsePublishedScoresCsv('model,MMLU\nA,40\n')).toThrow("csv line 1: missing the 'params' column");
    expect(() => parsePublishedScoresCsv('model,params,MMLU,MMLU\nA,1B,40,41\n')).toThrow("csv line 1: duplicate column 'MMLU'");
    expect(() => parsePublishedScoresCsv('model,params\nA,\n')).toThrow("csv line 2, column 'params': the parameter count is empty");
    expect(() => parsePublishedScoresCsv('model,params\n"A,1B\n')).toThrow(/csv: Quote Not Closed/);
  });
});
