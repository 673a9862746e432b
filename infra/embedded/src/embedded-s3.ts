import { mkdir } from 'node:fs/promises';
import { AtomicFilesystemStore } from './atomic-s3-store';
import { freePort } from './free-port';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- s3rver ships no type declarations
const S3rver = require('s3rver') as new (opts: Record<string, unknown>) => {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  store: unknown;
  context: { store: unknown };
};

export interface EmbeddedS3 {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

/**
 * An S3-protocol server storing into a local folder (s3rver, with atomic object writes). The services reach it with the same
 * @aws-sdk/client-s3 code as AWS S3 or MinIO (path-style addressing).
 */
export async function startEmbeddedS3(directory: string, port?: number, host = '127.0.0.1'): Promise<EmbeddedS3> {
  await mkdir(directory, { recursive: true });
  const p = port ?? (await freePort());
  const server = new S3rver({ address: host, port: p, directory, silent: true, resetOnClose: false });
  // No partial object is ever visible (s3rver's own store writes objects in place).
  server.store = server.context.store = new AtomicFilesystemStore(directory);
  await server.run();
  return {
    endpoint: `http://${host}:${p}`,
    // s3rver accepts these fixed credentials.
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    stop: () => server.close(),
  };
}
