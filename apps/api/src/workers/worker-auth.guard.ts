import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { WorkersService } from './workers.service';

/** Admits requests carrying a registered worker's credential; puts the worker on request.worker. */
@Injectable()
export class WorkerAuthGuard implements CanActivate {
  constructor(private readonly workers: WorkersService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { worker?: unknown }>();
    req.worker = await this.workers.authenticate(req.headers.authorization);
    return true;
  }
}
