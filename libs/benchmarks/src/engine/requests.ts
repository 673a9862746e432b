import type { GenerateRequest, GenerateResult, LoglikelihoodRequest, LoglikelihoodResult, RollingLoglikelihoodRequest, RollingLoglikelihoodResult } from '@app/contracts';
import type { Doc } from '../types';

/**
 * What a request is for: `score` requests are the task's own (lm-eval's Instances); `unconditional`
 * are acc_mutual_info's ("", continuation) requests; `loss` is densebench's extra
 * loglikelihood(context, gold answer) of generate_until tasks, which never affects task metrics.
 */
export type RequestPurpose = 'score' | 'unconditional' | 'loss';

export interface LoglikelihoodEngineRequest extends LoglikelihoodRequest {
  type: 'loglikelihood';
  purpose: RequestPurpose;
  /** For multiple choice: the choice this continuation scores. */
  choiceIndex?: number;
}

export interface RollingEngineRequest extends RollingLoglikelihoodRequest {
  type: 'loglikelihood_rolling';
  purpose: 'score';
}

/**
 * generate_until with lm-eval's generation kwargs. `temperature` is already 0 for greedy decoding
 * (do_sample false, or temperature 0), so the request is a valid GenerateRequest as it is.
 */
export interface GenerateEngineRequest extends GenerateRequest {
  type: 'generate_until';
  purpose: 'score';
  doSample: boolean;
  /** 0..repeats−1: which of the repeated samples of this document (pass@k, majority vote). */
  sampleIndex: number;
}

export type EngineRequest = LoglikelihoodEngineRequest | RollingEngineRequest | GenerateEngineRequest;

/** The backend's answer to the request at the same position. */
export type EngineResponse = LoglikelihoodResult | RollingLoglikelihoodResult | GenerateResult;

export interface PreparedSample {
  task: string;
  docId: number;
  doc: Doc;
  /** The prompt (lm-eval fewshot_context); for loglikelihood_rolling, "". */
  context: string;
  /** doc_to_target(doc) as lm-eval returns it (index, string or list). */
  target: number | string | Array<number | string>;
  /** Multiple choice: the choice texts and the gold index (or indices); -100 marks an invalid gold. */
  choices?: string[];
  gold?: number | number[];
  requests: EngineRequest[];
  /** Index of the request whose log-likelihood is the conditional loss of the gold answer, if any. */
  lossRequest: number | null;
  /** UTF-8 bytes of the loss continuation (or rolling text). */
  lossBytes: number;
  numFewshot: number;
  /** Positions in the few-shot pool of the examples in the prompt. */
  fewshotIndices: number[];
  /** Filter ensembles whose results the record will carry (generate_until). */
  filters: string[];
}

export interface PrepareOptions {
  /** Override of the task's repeats (generate_until samples per document). */
  repeats?: number;
  /** Seed for sampled generation; request i gets seed + sampleIndex. */
  seed?: number;
  /** Add the conditional-loss request to generate_until tasks (default true). */
  includeLoss?: boolean;
  /** max_gen_toks when the task does not set it (lm-eval HFLM default 256). */
  maxGenTokens?: number;
  numFewshot?: number;
  fewshotIndices?: number[];
}
