import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runService } from './service-entry';

/** `densebench worker` runs the built worker through runService: the worker's exit must become the CLI's. */
describe('runService', () => {
  const dir = mkdtempSync(join(tmpdir(), 'densebench-service-entry-'));
  const script = (name: string, body: string) => {
    const file = join(dir, name);
    writeFileSync(file, body);
    return file;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("resolves with the service's exit code and passes the environment on", async () => {
    const file = script('exit.js', 'process.exit(process.env.SERVICE_SPEC_CODE === "x" ? 3 : 9);');
    await expect(runService('worker', { SERVICE_SPEC_CODE: 'x' }, file)).resolves.toBe(3);
  });

  it('answers 128 + the signal number when the service is killed by a signal', async () => {
    const file = script('kill.js', 'process.kill(process.pid, "SIGKILL");');
    await expect(runService('worker', {}, file)).resolves.toBe(128 + 9);
  });
});
