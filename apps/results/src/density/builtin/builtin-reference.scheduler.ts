import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { loadEnv } from '@app/config';
import { COMPOSED_FIT_REVISION } from '@app/density';
import { JobName, QueueName, resultsJobOptions } from '@app/queue';
import { readPythiaTable } from './pythia-calibration';

/**
 * At start, asks for the built-in reference to be installed or refitted (DENSEBENCH_BUILTIN_REFERENCES=none turns
 * it off). The job id names the table's hash and the fitting code's revision, so replicas starting together enqueue
 * one job, and a job that finds the fit current does nothing.
 */
@Injectable()
export class BuiltinReferenceScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(BuiltinReferenceScheduler.name);

  constructor(@InjectQueue(QueueName.Results) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    if (loadEnv().DENSEBENCH_BUILTIN_REFERENCES === 'none') return;
    try {
      const table = readPythiaTable();
      const jobId = `builtin-pythia-${table.sha256.slice(0, 16)}-r${COMPOSED_FIT_REVISION}`;
      await this.queue.add(JobName.InstallBuiltinReference, { name: 'pythia' }, { ...resultsJobOptions, jobId });
    } catch (err) {
      // The service still runs: runs get no Pythia density until this is fixed and the service restarted.
      this.logger.error(`the built-in reference pythia cannot be installed: ${(err as Error).message}`);
    }
  }
}
