import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { AuthedRequest, OPEN_ENDPOINT, WORKER_ROUTE } from './auth.decorators';

/**
 * Rate limits per API key (per address for requests without one). Worker routes are not limited here:
 * a fleet's heartbeats come from many machines, often behind one address.
 */
@Injectable()
export class KeyThrottlerGuard extends ThrottlerGuard {
  protected async getTracker(req: Record<string, unknown>): Promise<string> {
    const p = (req as AuthedRequest).principal;
    return p ? `key:${p.keyId}` : `ip:${String(req.ip)}`;
  }

  protected async shouldSkip(ctx: ExecutionContext): Promise<boolean> {
    return Boolean(this.reflector.getAllAndOverride(WORKER_ROUTE, [ctx.getHandler(), ctx.getClass()]) || this.reflector.getAllAndOverride(OPEN_ENDPOINT, [ctx.getHandler(), ctx.getClass()]));
  }
}
