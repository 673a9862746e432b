import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { can, Permission } from '@app/auth';
import { apiConfig } from '@app/config';
import { DomainException, ErrorCode } from '@app/contracts';
import { WorkersService } from '../workers/workers.service';
import { AuthedRequest, KEY_OR_WORKER, OPEN_ENDPOINT, REQUIRES, WORKER_ROUTE } from './auth.decorators';
import { KeysService } from './keys.service';

/**
 * Every route needs an API key whose role has the route's permission, except: worker routes (their own
 * credential, WorkerAuthGuard), routes the operator opened (health, metrics), and routes a worker may
 * call with its own credential (KeyOrWorker). Runs first, globally: a route nobody marked is closed.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: KeysService,
    private readonly workers: WorkersService,
    @Inject(apiConfig.KEY) private readonly cfg: ConfigType<typeof apiConfig>,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const meta = <T>(key: string) => this.reflector.getAllAndOverride<T | undefined>(key, [ctx.getHandler(), ctx.getClass()]);
    const req = ctx.switchToHttp().getRequest<FastifyRequest & AuthedRequest & { worker?: unknown }>();
    const open = meta<string>(OPEN_ENDPOINT);
    if (open && this.cfg.openEndpoints.includes(open)) return true;
    if (meta<boolean>(WORKER_ROUTE)) return true;
    if (meta<boolean>(KEY_OR_WORKER) && !req.headers.authorization?.includes('dbk_')) {
      req.worker = await this.workers.authenticate(req.headers.authorization);
      return true;
    }
    const principal = await this.keys.authenticate(req.headers.authorization);
    req.principal = principal;
    const needed = meta<Permission>(REQUIRES) ?? (['GET', 'HEAD'].includes(req.method) ? Permission.Read : Permission.Write);
    if (!can(principal.role, needed)) {
      throw new DomainException(ErrorCode.Forbidden, `the ${principal.role} key "${principal.name}" may not do this (it needs the ${needed} permission)`);
    }
    return true;
  }
}
