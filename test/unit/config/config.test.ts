import { loadConfig } from '../../../src/config';
import { AppError, ERROR_STATUS, httpStatusOf, toAppError } from '../../../src/errors';

describe('loadConfig', () => {
  test('When the environment is empty, then the embedded defaults apply', () => {
    const c = loadConfig({}, '/srv/kyso');
    expect(c.PORT).toBe(3000);
    expect(c.dataDir).toBe('/srv/kyso/data');
    expect(c.PUBLIC_BASE_URL).toBe('http://localhost:3000');
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.ROLE).toBe('all');
  });

  test('When several variables are wrong, then every problem is listed at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', ROLE: 'boss', ADMIN_API_KEY: 'short', PUBLIC_BASE_URL: 'not a url' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const problems = (error as AppError).details?.problems as string[];
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['ADMIN_API_KEY', 'PORT', 'PUBLIC_BASE_URL', 'ROLE']);
    expect((error as AppError).code).toBe('CONFIG_INVALID');
  });

  test('When PUBLIC_BASE_URL has a trailing slash, then links are built without a double slash', () => {
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://kyso.longan.gov.vn/' }).PUBLIC_BASE_URL).toBe('https://kyso.longan.gov.vn');
  });
});

describe('errors', () => {
  test('When an error code is mapped, then the one table decides the HTTP status', () => {
    expect(httpStatusOf('UNAUTHORIZED')).toBe(401);
    expect(httpStatusOf('PDF_ENCRYPTED')).toBe(ERROR_STATUS.PDF_ENCRYPTED);
    expect(new AppError('EXCHANGE_UNAVAILABLE', 'x').status).toBe(503);
  });

  test('When something that is not an AppError is thrown, then it becomes INTERNAL without losing the cause', () => {
    const cause = new TypeError('boom');
    const e = toAppError(cause);
    expect(e.code).toBe('INTERNAL');
    expect(e.cause).toBe(cause);
  });
});
