/** Where every artifact lives in the bucket. */
export const artifactKeys = {
  shardSamples: (runId: string, benchmark: string, shardId: string) =>
    `runs/${runId}/samples/${benchmark}/${shardId}.jsonl.gz`,
  /** The same samples as rows of the samples table (COPY text, gzipped): what ingestion loads. */
  shardRows: (runId: string, benchmark: string, shardId: string) =>
    `runs/${runId}/rows/${benchmark}/${shardId}.tsv.gz`,
  results: (runId: string) => `runs/${runId}/results.json`,
  report: (runId: string, file: string) => `runs/${runId}/report/${file}`,
  dataset: (sha256: string) => `datasets/${sha256}`,
};
