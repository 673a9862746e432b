import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { DensityErrorCode, DensityException } from '@app/density';

/** The density library's refusals, as HTTP: data the method cannot use is 422, malformed input 400. */
const STATUS: Record<DensityErrorCode, number> = {
  [DensityErrorCode.InsufficientData]: HttpStatus.UNPROCESSABLE_ENTITY,
  [DensityErrorCode.DegenerateData]: HttpStatus.UNPROCESSABLE_ENTITY,
  [DensityErrorCode.NonMonotoneData]: HttpStatus.UNPROCESSABLE_ENTITY,
  [DensityErrorCode.FitFailed]: HttpStatus.UNPROCESSABLE_ENTITY,
  [DensityErrorCode.InvalidInput]: HttpStatus.BAD_REQUEST,
  [DensityErrorCode.UnsupportedSchema]: HttpStatus.INTERNAL_SERVER_ERROR,
  [DensityErrorCode.RenderFailed]: HttpStatus.INTERNAL_SERVER_ERROR,
};

/**
 * Maps DensityException to HTTP for the density controllers (@UseFilters), with the same body as the global
 * DomainExceptionFilter: { statusCode, error, message, details?, correlationId }; 5xx hide their cause.
 */
@Catch(DensityException)
export class DensityExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(DensityExceptionFilter.name);

  catch(exception: DensityException, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const correlationId = (req.headers['x-correlation-id'] as string | undefined) ?? randomUUID();
    const status = STATUS[exception.code] ?? HttpStatus.INTERNAL_SERVER_ERROR;
    res.setHeader('x-correlation-id', correlationId);
    if (status >= 500) {
      this.logger.error(`${req.method} ${req.url} failed [${correlationId}]: ${exception.code}: ${exception.stack ?? exception.message}`);
      res.status(status).json({ statusCode: status, error: 'internal', message: 'internal error; see server logs with the correlation id', correlationId });
      return;
    }
    res.status(status).json({ statusCode: status, error: exception.code, message: exception.message, details: exception.details, correlationId });
  }
}
