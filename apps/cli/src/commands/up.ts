import { startStack } from '@app/embedded';
import { cliConfigFile, readCliConfig, writeCliConfig } from '../cli-config';

/** `densebench up`: the whole service on this machine until Ctrl-C / SIGTERM; the client commands find it afterwards. */
export async function up(o: { workers: number; pools: string[]; port: number; quiet: boolean }): Promise<void> {
  const stack = await startStack({ workers: o.workers, pools: o.pools, apiPort: o.port, verbose: !o.quiet, say: console.log, apiKey: readCliConfig().apiKey });
  writeCliConfig({ apiUrl: stack.apiUrl, apiKey: stack.apiKey });
  if (stack.apiKeyCreated) {
    console.log(`admin API key (shown once; kept for the client commands in ${cliConfigFile()}, mode 600):\n  ${stack.apiKey}`);
  }
  console.log(`densebench is up: API ${stack.apiUrl} (OpenAPI ${stack.apiUrl}/docs, JSON at ${stack.apiUrl}/docs/openapi.json); enrollment token ${stack.enrollmentToken}`);
  console.log(`dashboard: ${stack.apiUrl}/ (it asks once for an API key: the admin key ${stack.apiKeyCreated ? 'above' : `in ${cliConfigFile()}`}, or one from densebench keys create)`);
  console.log(`client commands (densebench submit, watch, results, models …) use it: recorded in ${cliConfigFile()}`);
  console.log(`logs in ${stack.logsDir}; Ctrl-C stops everything`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('stopping …');
  await stack.stop();
}
