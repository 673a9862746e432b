import { ArgumentsHost, Logger } from '@nestjs/common';
import { DomainException, ErrorCode } from '@app/contracts';
import { DensityErrorCode, DensityException } from '@app/density';
import { InvalidJsonBodyError } from '../body-parsers';
import { DomainExceptionFilter } from '../domain-exception.filter';

function respond(exception: unknown): { status: number; body: Record<string, unknown> } {
  const out = { status: 0, body: {} as Record<string, unknown> };
  // The shape of a Fastify reply: header(), status(), send().
  const res = { header: jest.fn(), status: (s: number) => ((out.status = s), res), send: (b: Record<string, unknown>) => ((out.body = b), res) };
  const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({ headers: { 'x-correlation-id': 'c-1' }, method: 'POST', url: '/x' }) }) };
  new DomainExceptionFilter().catch(exception, host as unknown as ArgumentsHost);
  return out;
}

describe('DomainExceptionFilter', () => {
  it('answers a density refusal of unusable data with 422 and the library\'s code, message and details', () => {
    const r = respond(new DensityException(DensityErrorCode.InsufficientData, 'need at least 5 points', { n: 3 }));
    expect(r).toEqual({ status: 422, body: { statusCode: 422, error: 'DENSITY_INSUFFICIENT_DATA', message: 'need at least 5 points', details: { n: 3 }, correlationId: 'c-1' } });
    expect(respond(new DensityException(DensityErrorCode.NonMonotoneData, 'x')).status).toBe(422);
    expect(respond(new DensityException(DensityErrorCode.InvalidInput, 'csv line 2')).status).toBe(400);
  });

  it("maps the HTTP server's own refusals: malformed JSON, an oversized body, a plugin's 4xx; other errors stay hidden 500s", () => {
    expect(respond(new InvalidJsonBodyError('request body is not valid JSON: Unexpected end of JSON input'))).toMatchObject({
      status: 400,
      body: { error: 'invalid_json', message: 'request body is not valid JSON: Unexpected end of JSON input' },
    });
    const tooLarge = Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    expect(respond(tooLarge)).toMatchObject({ status: 413, body: { error: 'payload_too_large', message: 'request body is too large' } });
    expect(respond(Object.assign(new Error('Forbidden'), { statusCode: 403 }))).toMatchObject({ status: 403, body: { error: 'forbidden', message: 'Forbidden' } });
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const r = respond(Object.assign(new Error('socket exploded'), { statusCode: 502 }));
    expect(r).toMatchObject({ status: 500, body: { error: 'internal' } });
    expect(JSON.stringify(r.body)).not.toContain('exploded');
    logged.mockRestore();
  });

  it('maps the shared codes as before', () => {
    expect(respond(new DomainException(ErrorCode.NotFound, 'run x not found'))).toMatchObject({ status: 404, body: { error: 'not_found', message: 'run x not found' } });
    expect(respond(new DomainException(ErrorCode.Transient, 'redis down')).status).toBe(503);
  });

  it('hides the cause of server-side failures (logged with the correlation id)', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const r = respond(new DensityException(DensityErrorCode.RenderFailed, 'resvg crashed'));
    expect(r.status).toBe(500);
    expect(r.body).toMatchObject({ error: 'internal', correlationId: 'c-1' });
    expect(JSON.stringify(r.body)).not.toContain('resvg');
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('[c-1]: DENSITY_RENDER_FAILED'));
    logged.mockRestore();
  });

  it('is one type family: a density refusal is a permanent DomainException', () => {
    const e = new DensityException(DensityErrorCode.FitFailed, 'no finite solution');
    expect(e).toBeInstanceOf(DomainException);
    expect(e.retryable).toBe(false);
  });
});
