import { execFile } from 'node:child_process';
import { cpus, hostname, totalmem } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GpuInfo {
  name: string;
  memoryTotalMiB: number;
  memoryUsedMiB: number;
  utilizationPct: number;
}

/** GPUs as nvidia-smi reports them; an empty list where there is none. */
export async function probeGpus(): Promise<GpuInfo[]> {
  try {
    const { stdout } = await run(
      'nvidia-smi',
      ['--query-gpu=name,memory.total,memory.used,utilization.gpu', '--format=csv,noheader,nounits'],
      { timeout: 5000 },
    );
    return stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name, total, used, util] = line.split(',').map((s) => s.trim());
        return { name, memoryTotalMiB: Number(total), memoryUsedMiB: Number(used), utilizationPct: Number(util) };
      });
  } catch {
    return [];
  }
}

export async function machineInfo(): Promise<Record<string, unknown>> {
  const c = cpus();
  return {
    hostname: hostname(),
    cpu: { model: c[0]?.model ?? 'unknown', cores: c.length },
    ramBytes: totalmem(),
    gpus: await probeGpus(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
