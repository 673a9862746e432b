import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { WorkerEntity } from '@app/database';

export const CurrentWorker = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): WorkerEntity => ctx.switchToHttp().getRequest<{ worker: WorkerEntity }>().worker,
);
