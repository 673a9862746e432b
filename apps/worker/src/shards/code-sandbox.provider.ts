import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { workerConfig } from '@app/config';
import { DomainException, ErrorCode } from '@app/contracts';
import { CodeSandbox } from '@app/sandbox';

/**
 * The sandbox for model-written code. Detected at start (and said in the log); code tasks are refused
 * with a clear error when no isolation works, unless the operator allowed unsafe execution.
 */
@Injectable()
export class CodeSandboxProvider implements OnApplicationBootstrap {
  private readonly logger = new Logger('CodeSandbox');
  private sandbox: CodeSandbox | null = null;
  private unavailable: string | null = null;

  constructor(@Inject(workerConfig.KEY) private readonly cfg: ConfigType<typeof workerConfig>) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.cfg.codeSandbox === 'off') {
      this.unavailable = 'code execution is turned off on this worker (WORKER_CODE_SANDBOX=off)';
      this.logger.log(this.unavailable);
      return;
    }
    try {
      const sandbox = new CodeSandbox({
        driver: this.cfg.codeSandbox,
        allowUnsafe: this.cfg.allowUnsafeCode,
        logger: { log: (m: string) => this.logger.log(m), warn: (m: string) => this.logger.warn(m) },
      });
      const d = await sandbox.init();
      this.sandbox = sandbox;
      this.logger.log(`isolation for model-written code: ${d.summary}`);
    } catch (err) {
      this.unavailable = `no isolation for model-written code on this worker: ${(err as Error).message}`;
      this.logger.warn(`${this.unavailable}; code tasks (humaneval, mbpp) will be refused`);
    }
  }

  /** The sandbox, or a clear error for a task that needs one. */
  require(task: string): CodeSandbox {
    if (this.sandbox) return this.sandbox;
    throw new DomainException(ErrorCode.InvalidInput, `benchmark ${task} executes model-written code, but ${this.unavailable ?? 'the sandbox is not ready'}`);
  }
}
