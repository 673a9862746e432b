import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Permission, Principal, ProjectScope, scopeOf } from '@app/auth';

export const OPEN_ENDPOINT = 'auth:open';
export const WORKER_ROUTE = 'auth:worker';
export const KEY_OR_WORKER = 'auth:key-or-worker';
export const REQUIRES = 'auth:requires';

/** Answered without a key when the operator opened the group (API_OPEN_ENDPOINTS: health, metrics). */
export const OpenEndpoint = (group: 'health' | 'metrics') => SetMetadata(OPEN_ENDPOINT, group);
/** Authenticated by a worker's own credential (WorkerAuthGuard), not by an API key. */
export const WorkerRoute = () => SetMetadata(WORKER_ROUTE, true);
/** Either a worker's own credential or an API key with the required permission. */
export const KeyOrWorker = () => SetMetadata(KEY_OR_WORKER, true);
/** The permission a route needs; without it, GET needs Read and every other method Write. */
export const Requires = (permission: Permission) => SetMetadata(REQUIRES, permission);

export interface AuthedRequest {
  principal?: Principal;
}

/** The key the request was made with. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const p = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!p) throw new Error('CurrentPrincipal on a route without an API key');
  return p;
});

/** What the request may see: the key's project, or every project for global keys. */
export const Scope = createParamDecorator((_: unknown, ctx: ExecutionContext): ProjectScope => {
  const p = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!p) throw new Error('Scope on a route without an API key');
  return scopeOf(p);
});
