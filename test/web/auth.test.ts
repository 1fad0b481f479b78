import { describe, expect, it } from 'vitest';
import { authenticate, authFromEnv } from '../../src/web/auth.js';
import { basic } from './harness.js';

describe('web auth rule', () => {
  it('reads the viewer and the admin from the environment, or says why the pages are not served', () => {
    expect(authFromEnv({}).auth).toBeUndefined();
    expect(authFromEnv({ SIGNPOST_WEB_USER: 'a' }).problem).toContain('SIGNPOST_WEB_PASSWORD');
    expect(authFromEnv({ SIGNPOST_WEB_USER: 'a', SIGNPOST_WEB_PASSWORD: 'b' })).toEqual({
      auth: { user: 'a', password: 'b' },
    });
    expect(
      authFromEnv({ SIGNPOST_WEB_USER: 'a', SIGNPOST_WEB_PASSWORD: 'b', SIGNPOST_WEB_ADMIN: 'root:p:w' }).auth?.admin,
    ).toEqual({ user: 'root', password: 'p:w' });
    const bad = authFromEnv({ SIGNPOST_WEB_USER: 'a', SIGNPOST_WEB_PASSWORD: 'b', SIGNPOST_WEB_ADMIN: 'root' });
    expect(bad.auth?.admin).toBeUndefined();
    expect(bad.problem).toContain('user:password');
  });

  it('tells viewer from admin and refuses anything else', () => {
    const auth = { user: 'a', password: 'b', admin: { user: 'root', password: 'pw' } };
    expect(authenticate(basic('a', 'b').authorization, auth)).toBe('viewer');
    expect(authenticate(basic('root', 'pw').authorization, auth)).toBe('admin');
    expect(authenticate(basic('a', 'pw').authorization, auth)).toBeUndefined();
    expect(authenticate(basic('a', 'b:').authorization, auth)).toBeUndefined();
    expect(authenticate(undefined, auth)).toBeUndefined();
    expect(authenticate('Basic !!!', auth)).toBeUndefined();
  });
});
