/** Where every artifact lives in the bucket. */
export const artifactKeys = {
  shardSamples: (runId: string, benchmark: string, shardId: string) =>
    `runs/${runId}/samples/${benchmark}/${shardId}.jsonl.gz`,
  results: (runId: string) => `runs/${runId}/results.json`,
  report: (runId: string, file: string) => `runs/${runId}/report/${file}`,
  dataset: (sha256: string) => `datasets/${sha256}`,
};
