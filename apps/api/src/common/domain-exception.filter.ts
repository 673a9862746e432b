import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainException, ErrorCode } from '@app/contracts';
import { DensityErrorCode } from '@app/density';
import { InvalidJsonBodyError } from './body-parsers';

const STATUS: Record<ErrorCode | DensityErrorCode, number> = {
  [ErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.InvalidInput]: HttpStatus.BAD_REQUEST,
  [ErrorCode.Conflict]: HttpStatus.CONFLICT,
  [ErrorCode.Unauthorized]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.Forbidden]: HttpStatus.FORBIDDEN,
  [ErrorCode.MissingResource]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ErrorCode.Transient]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.Cancelled]: HttpStatus.CONFLICT,
  [ErrorCode.Internal]: HttpStatus.INTERNAL_SERVER_ERROR,
  // The density library's refusals: data the method cannot use is 422, malformed input 400, its own faults 500.
  [DensityErrorCode.InsufficientData]: HttpStatus.UNPROCESSABLE_ENTITY,
  [DensityErrorCode.DegenerateData]: HttpStatus.UNPROCESSABLE_ENTITY,
  [DensityErrorCode.NonMonotoneData]: HttpStatus.UNPROCESSABLE_ENTITY,
  [DensityErrorCode.FitFailed]: HttpStatus.UNPROCESSABLE_ENTITY,
  [DensityErrorCode.InvalidInput]: HttpStatus.BAD_REQUEST,
  [DensityErrorCode.UnsupportedSchema]: HttpStatus.INTERNAL_SERVER_ERROR,
  [DensityErrorCode.RenderFailed]: HttpStatus.INTERNAL_SERVER_ERROR,
};

const INTERNAL_BODY = { error: 'internal', message: 'internal error; see server logs with the correlation id' };

/**
 * Maps domain errors to HTTP at the edge. Every error body is { statusCode, error, message, details?,
 * correlationId }; 500s hide their cause from the client and log it with the correlation id.
 */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(DomainExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<FastifyReply>();
    const req = ctx.getRequest<FastifyRequest>();
    const correlationId = (req.headers['x-correlation-id'] as string | undefined) ?? randomUUID();
    const { status, body } = this.toBody(exception, req, correlationId);
    res.header('x-correlation-id', correlationId);
    res.status(status).send({ statusCode: status, ...body, correlationId });
  }

  private toBody(exception: unknown, req: FastifyRequest, correlationId: string): { status: number; body: Record<string, unknown> } {
    if (exception instanceof DomainException) {
      const status = STATUS[exception.code as ErrorCode | DensityErrorCode] ?? HttpStatus.INTERNAL_SERVER_ERROR;
      if (status === HttpStatus.INTERNAL_SERVER_ERROR) {
        this.logger.error(`${req.method} ${req.url} failed [${correlationId}]: ${exception.code}: ${exception.stack ?? exception.message}`);
        return { status, body: INTERNAL_BODY };
      }
      return { status, body: { error: exception.code, message: exception.message, details: exception.details } };
    }
    const e = exception as { statusCode?: number; message?: string };
    if (e?.statusCode === 413 || (exception instanceof HttpException && exception.getStatus() === 413)) {
      return { status: 413, body: { error: 'payload_too_large', message: 'request body is too large' } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const r = exception.getResponse();
      const message = typeof r === 'string' ? r : (r as { message?: unknown }).message ?? exception.message;
      return { status, body: { error: HttpStatus[status]?.toLowerCase() ?? 'error', message } };
    }
    // The HTTP server's own refusals, before any handler: malformed JSON, a path the static files refuse (Fastify's
    // errors carry their status).
    if (exception instanceof InvalidJsonBodyError) return { status: 400, body: { error: 'invalid_json', message: exception.message } };
    if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      return { status: e.statusCode, body: { error: HttpStatus[e.statusCode]?.toLowerCase() ?? 'error', message: e.message } };
    }
    this.logger.error(`${req.method} ${req.url} failed [${correlationId}]: ${(exception as Error)?.stack ?? exception}`);
    return { status: 500, body: INTERNAL_BODY };
  }
}
