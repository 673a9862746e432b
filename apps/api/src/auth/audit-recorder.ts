import { Injectable, Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuditLogRepository, NewAuditEntry } from '@app/database';
import { AuthedRequest } from './auth.decorators';

type AuditedRequest = FastifyRequest & AuthedRequest & { worker?: { id: string; name: string } };

/**
 * Records every request that changes something (any method but GET/HEAD/OPTIONS), when its response
 * is sent, so refusals (401, 403, 400) are recorded like successes: who (key or worker), what (method
 * and route), on what (the :id), the status and the address. Heartbeats, claims and shard progress are
 * the fleet's routine traffic, not actions: they are left out. Nothing of the request's body or headers
 * is stored.
 */
@Injectable()
export class AuditRecorder {
  private readonly logger = new Logger('Audit');

  constructor(private readonly auditLog: AuditLogRepository) {}

  /** Hooks the recorder into the HTTP server (before it starts listening). */
  register(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (req, reply, done) => {
      if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS') this.record(req as AuditedRequest, reply.statusCode);
      done();
    });
  }

  private record(req: AuditedRequest, status: number): void {
    // Only requests to an endpoint: a POST to a path that names none is no action (and no way to flood the log).
    const matched = req.routeOptions.url;
    if (!matched || req.is404) return;
    const route = matched.slice(0, 200);
    if (/\/(heartbeat|progress|claim)$/.test(route)) return;
    const p = req.principal;
    const id = (req.params as Record<string, unknown> | undefined)?.id;
    const entry: NewAuditEntry = {
      actorKind: p ? 'key' : req.worker ? 'worker' : 'anonymous',
      actorId: p?.keyId ?? req.worker?.id ?? null,
      actorName: p?.name ?? req.worker?.name ?? null,
      projectId: p?.projectId ?? null,
      action: `${req.method} ${route}`,
      targetId: typeof id === 'string' ? id.slice(0, 100) : null,
      status,
      ip: req.ip ?? null,
    };
    this.auditLog.insert(entry).catch((err: Error) => this.logger.warn(`audit entry not written: ${err.message}`));
  }
}
