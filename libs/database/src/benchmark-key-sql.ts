/**
 * benchmarkKey() of @app/density in SQL, over a run_benchmarks row: the task name, with "@<k>-shot" appended when
 * it ran with k > 0 few-shot examples (mmlu@5-shot). Densities match run scores to reference curves on this key.
 */
export const runBenchmarkKeySql = (alias: string): string =>
  `(${alias}.name || CASE WHEN coalesce(${alias}.num_fewshot, 0) > 0 THEN '@' || ${alias}.num_fewshot || '-shot' ELSE '' END)`;
