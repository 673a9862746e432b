import { ArgumentsHost, Logger } from '@nestjs/common';
import { DensityErrorCode, DensityException } from '@app/density';
import { DensityExceptionFilter } from '../density-exception.filter';

function respond(exception: DensityException): { status: number; body: Record<string, unknown> } {
  const out = { status: 0, body: {} as Record<string, unknown> };
  const res = { setHeader: jest.fn(), status: (s: number) => ((out.status = s), res), json: (b: Record<string, unknown>) => ((out.body = b), res) };
  const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({ headers: { 'x-correlation-id': 'c-1' }, method: 'POST', url: '/x' }) }) };
  new DensityExceptionFilter().catch(exception, host as unknown as ArgumentsHost);
  return out;
}

describe('DensityExceptionFilter', () => {
  it('answers unusable data with 422 and the library\'s code, message and details', () => {
    const r = respond(new DensityException(DensityErrorCode.InsufficientData, 'need at least 5 points', { n: 3 }));
    expect(r).toEqual({ status: 422, body: { statusCode: 422, error: 'DENSITY_INSUFFICIENT_DATA', message: 'need at least 5 points', details: { n: 3 }, correlationId: 'c-1' } });
    expect(respond(new DensityException(DensityErrorCode.NonMonotoneData, 'x')).status).toBe(422);
    expect(respond(new DensityException(DensityErrorCode.InvalidInput, 'csv line 2')).status).toBe(400);
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
});
