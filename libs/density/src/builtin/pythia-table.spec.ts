import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PYTHIA_REFERENCE, observedKeys, parsePythiaTable, pythiaObservations } from './pythia-table';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const TABLE = join(ROOT, 'references', 'pythia', 'pythia-evals.csv');
const DATA = process.env.DENSEBENCH_DATA_DIR ?? resolve(ROOT, '..', 'shared', 'data');
const rows = parsePythiaTable(readFileSync(TABLE));
const at = (model: string, step: number, shots: number, task: string, metric: string) =>
  rows.filter((r) => r.model === model && r.step === step && r.num_fewshot === shots && r.task === task && r.metric === metric);

describe('the Pythia table (references/pythia/pythia-evals.csv)', () => {
  it('holds every result file of both suites', () => {
    expect(rows).toHaveLength(10080);
    expect(new Set(rows.map((r) => r.source)).size).toBe(16 * (27 + 15));
    expect([...new Set(rows.filter((r) => r.suite === 'pile').map((r) => r.model))].sort()).toEqual(
      ['pythia-1.4b', 'pythia-12b', 'pythia-160m', 'pythia-1b', 'pythia-2.8b', 'pythia-410m', 'pythia-6.9b', 'pythia-70m'],
    );
    expect(new Set(rows.filter((r) => r.suite === 'pile-deduped').map((r) => r.model)).size).toBe(8);
    // zero-shot: 27 checkpoints from step 0; five-shot: 15 from step 3000
    expect(new Set(rows.filter((r) => r.model === 'pythia-410m' && r.num_fewshot === 0).map((r) => r.step)).size).toBe(27);
    expect(Math.min(...rows.filter((r) => r.num_fewshot === 5).map((r) => r.step))).toBe(3000);
  });

  it('has the values of the source files (read by hand from pythia-v1/pythia-70m/zero-shot/70m_step143000.json)', () => {
    expect(at('pythia-70m', 143000, 0, 'arc_easy', 'acc')).toEqual([
      expect.objectContaining({ value: 0.37373737373737376, stderr: 0.009927267058259621, tokens: 299892736000, source: 'pythia-v1/pythia-70m/zero-shot/70m_step143000.json' }),
    ]);
    expect(at('pythia-70m', 143000, 0, 'lambada_openai', 'ppl')[0].value).toBe(142.42891015470678);
    expect(at('pythia-70m', 143000, 0, 'winogrande', 'acc')[0].value).toBe(0.5280189423835833);
    expect(at('pythia-70m', 143000, 0, 'arc_easy', 'acc')[0]).toMatchObject({ params_total: 70426624, params_non_embedding: 18915328 });
    expect(at('pythia-12b', 1000, 0, 'piqa', 'acc')).toHaveLength(1);
    // the 1b models were trained in bf16 (folder pythia-1b-bf16); the table calls them pythia-1b
    expect(at('pythia-1b', 143000, 0, 'arc_easy', 'acc')[0].source).toBe('pythia-v1/pythia-1b-bf16/zero-shot/1b-bf16_step143000.json');
  });

  it('weights the 57 MMLU subjects by their test sizes (14,042 questions) for the mmlu group', () => {
    const mmlu = at('pythia-12b', 143000, 5, 'mmlu', 'acc');
    expect(mmlu).toHaveLength(1);
    expect(mmlu[0].n).toBe(14042);
    expect(mmlu[0].value).toBeGreaterThan(0.2);
    expect(mmlu[0].value).toBeLessThan(0.35);
  });

  it('turns the standard suite into an (N, D) grid keyed by benchmark and few-shot', () => {
    const obs = pythiaObservations(rows);
    expect(obs).toHaveLength(8 * 26); // one per checkpoint; step 0 (D = 0) left out
    expect(obs.filter((o) => 'mmlu@5-shot' in o.scores)).toHaveLength(8 * 15);
    expect(observedKeys(obs)).toEqual(
      Object.keys(PYTHIA_REFERENCE.metrics).flatMap((t) => [t, `${t}@5-shot`]).sort(),
    );
    const final70m = obs.find((o) => o.member === 'pythia-70m' && o.tokens === PYTHIA_REFERENCE.trainingTokens && 'arc_easy' in o.scores)!;
    expect(final70m.params).toBe(70426624);
    expect(final70m.scores.arc_easy).toBe(at('pythia-70m', 143000, 0, 'arc_easy', 'acc_norm')[0].value);
  });

  it('refuses a table without its columns or with a non-number', () => {
    expect(() => parsePythiaTable('suite,model\npile,x\n')).toThrow(/lacks column/);
    const header = readFileSync(TABLE, 'utf8').split('\n')[0];
    expect(() => parsePythiaTable(`${header}\npile,m,1,1,1,1,0,arc_easy,acc,oops,,,f\n`)).toThrow(/value = "oops"/);
  });

  const withSources = existsSync(join(DATA, 'pythia-evals')) ? it : process.env.CI ? it : it.skip;
  withSources('is exactly what derive-table.js makes from the source files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pythia-table-'));
    try {
      const out = join(dir, 'table.csv');
      execFileSync(process.execPath, [join(ROOT, 'references', 'pythia', 'derive-table.js'), '--data', DATA, '--out', out], { stdio: 'pipe' });
      expect(readFileSync(out).equals(readFileSync(TABLE))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
