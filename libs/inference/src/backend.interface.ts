import {
  GenerateRequest,
  GenerateResult,
  LoglikelihoodRequest,
  LoglikelihoodResult,
  RequestOptions,
  RollingLoglikelihoodRequest,
  RollingLoglikelihoodResult,
} from '@app/contracts';

/** What a backend says about itself; recorded in every run's reproducibility envelope. */
export interface BackendInfo {
  kind: string;
  /** Stable identity of the model: file sha256, or endpoint + model + revision. Part of cache keys. */
  modelIdentity: string;
  engine: string;
  engineVersion: string;
  device: string;
  contextSize: number;
  batchSize: number;
  details: Record<string, unknown>;
}

/** Requests of many documents, every type at once. */
export interface RequestBatch {
  loglikelihood: LoglikelihoodRequest[];
  rolling: RollingLoglikelihoodRequest[];
  generate: GenerateRequest[];
}

export interface BatchAnswers {
  loglikelihood: LoglikelihoodResult[];
  rolling: RollingLoglikelihoodResult[];
  generate: GenerateResult[];
}

/** One interface for llama-cpp, openai and replay backends (lm-evaluation-harness's LM API). */
export interface InferenceBackend {
  readonly info: BackendInfo;
  loglikelihood(requests: LoglikelihoodRequest[], opts?: RequestOptions): Promise<LoglikelihoodResult[]>;
  loglikelihoodRolling(requests: RollingLoglikelihoodRequest[], opts?: RequestOptions): Promise<RollingLoglikelihoodResult[]>;
  generateUntil(requests: GenerateRequest[], opts?: RequestOptions): Promise<GenerateResult[]>;
  /**
   * Optional: all of a batch's requests in one call, so the backend can share work between types (the
   * llama-cpp backend decodes a generation's prompt once for its conditional-loss request too).
   */
  answerBatch?(batch: RequestBatch, opts?: RequestOptions): Promise<BatchAnswers>;
  dispose(): Promise<void>;
}
