import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceLogs } from './service-logs';

describe('ServiceLogs', () => {
  it('writes one file per service per start, without terminal colour codes, and keeps the last five starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'service-logs-'));
    for (let start = 1; start <= 7; start++) {
      const logs = new ServiceLogs(dir);
      logs.line('api', `\u001b[32m[Nest] 1  - \u001b[39mstart ${start}`);
      logs.line('api', 'second line');
      if (start === 7) logs.line('worker-1', 'only now');
      await logs.close();
    }
    expect(readFileSync(join(dir, 'api.log'), 'utf8')).toBe('[Nest] 1  - start 7\nsecond line\n');
    expect(readFileSync(join(dir, 'api.1.log'), 'utf8')).toContain('start 6');
    expect(readFileSync(join(dir, 'api.5.log'), 'utf8')).toContain('start 2');
    expect(existsSync(join(dir, 'api.6.log'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['api.1.log', 'api.2.log', 'api.3.log', 'api.4.log', 'api.5.log', 'api.log', 'worker-1.log']);
  });
});
