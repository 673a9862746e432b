import type { SandboxProbe } from './types';

/** The sandbox could not be set up or refused to run (no isolation and no `allowUnsafe`). */
export class SandboxUnavailableError extends Error {
  constructor(
    message: string,
    readonly probes: SandboxProbe[] = [],
  ) {
    super(message);
    this.name = 'SandboxUnavailableError';
  }
}

/** The sandbox itself failed on one run (it did not start the program); not the program's fault. */
export class SandboxRunError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'SandboxRunError';
  }
}
