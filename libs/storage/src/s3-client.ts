import { S3Client } from '@aws-sdk/client-s3';
import { S3Config } from '@app/config';
import { PatientRetryStrategy } from './patient-retry';

export function createS3Client(cfg: S3Config): S3Client {
  return new S3Client({
    region: cfg.region,
    endpoint: cfg.endpoint,
    forcePathStyle: cfg.forcePathStyle,
    credentials:
      cfg.accessKeyId && cfg.secretAccessKey
        ? { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey }
        : undefined,
    // Checksums on every request are not understood by every S3-compatible server (older MinIO, s3rver).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // An S3 outage of up to S3_RETRY_FOR_MS delays uploads and reads; it fails them only after.
    retryStrategy: new PatientRetryStrategy(cfg.retryForMs ?? 60_000),
  });
}
