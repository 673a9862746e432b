import { ArgumentsHost, BadRequestException, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { DomainException, ErrorCode } from '@app/contracts';
import { DensityErrorCode } from '@app/density';

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
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const correlationId = (req.headers['x-correlation-id'] as string | undefined) ?? randomUUID();
    const { status, body } = this.toBody(exception, req, correlationId);
    res.setHeader('x-correlation-id', correlationId);
    res.status(status).json({ statusCode: status, ...body, correlationId });
  }

  private toBody(exception: unknown, req: Request, correlationId: string): { status: number; body: Record<string, unknown> } {
    if (exception instanceof DomainException) {
      const status = STATUS[exception.code as ErrorCode | DensityErrorCode] ?? HttpStatus.INTERNAL_SERVER_ERROR;
      if (status === HttpStatus.INTERNAL_SERVER_ERROR) {
        this.logger.error(`${req.method} ${req.url} failed [${correlationId}]: ${exception.code}: ${exception.stack ?? exception.message}`);
        return { status, body: INTERNAL_BODY };
      }
      return { status, body: { error: exception.code, message: exception.message, details: exception.details } };
    }
    // Nest turns body-parser's SyntaxError (malformed JSON) into a BadRequestException carrying its message.
    if (exception instanceof BadRequestException && /JSON/.test(exception.message) && exception.getResponse() !== null) {
      const r = exception.getResponse() as { message?: unknown };
      if (typeof r === 'object' && typeof r.message === 'string' && /JSON/.test(r.message)) {
        return { status: 400, body: { error: 'invalid_json', message: `request body is not valid JSON: ${r.message}` } };
      }
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const r = exception.getResponse();
      const message = typeof r === 'string' ? r : (r as { message?: unknown }).message ?? exception.message;
      return { status, body: { error: HttpStatus[status]?.toLowerCase() ?? 'error', message } };
    }
    // body-parser: malformed JSON or an oversized body
    const e = exception as { type?: string; status?: number; message?: string };
    if (e?.type === 'entity.parse.failed') {
      return { status: 400, body: { error: 'invalid_json', message: `request body is not valid JSON: ${e.message}` } };
    }
    if (e?.type === 'entity.too.large') {
      return { status: 413, body: { error: 'payload_too_large', message: 'request body is too large' } };
    }
    this.logger.error(`${req.method} ${req.url} failed [${correlationId}]: ${(exception as Error)?.stack ?? exception}`);
    return { status: 500, body: INTERNAL_BODY };
  }
}
