/** Conventions that keep the error table whole: every CorsError explained, named for Firefox, linked. */
import { describe, expect, test } from 'vitest';
import {
  CORS_ERRORS,
  corsErrorInfo,
  FIREFOX_REASONS,
  fillTemplate,
  isCorsError,
  LEGACY_CORS_ERRORS,
} from '../../src/index.ts';

describe('error taxonomy', () => {
  test('the current devtools-protocol list has its 28 values, and the legacy PNA names are accepted', () => {
    expect(CORS_ERRORS).toHaveLength(28);
    expect(new Set(CORS_ERRORS).size).toBe(28);
    for (const name of [...CORS_ERRORS, ...LEGACY_CORS_ERRORS]) expect(isCorsError(name)).toBe(true);
    expect(isCorsError('NotAnError')).toBe(false);
    expect(isCorsError(42)).toBe(false);
  });

  test.each([...CORS_ERRORS, ...LEGACY_CORS_ERRORS])(
    '%s has an explanation, a Firefox reason or note, and a link',
    (name) => {
      const info = corsErrorInfo(name);
      expect(info.title.length).toBeGreaterThan(10);
      expect(info.explanation.length).toBeGreaterThan(40);
      expect(info.link).toMatch(/^https:\/\//);
      if (info.firefox.reason === null) expect(info.firefox.note.length).toBeGreaterThan(10);
      else expect(FIREFOX_REASONS).toContain(info.firefox.reason);
      // Placeholders are the two the engine fills; no stray braces reach the user.
      const filled = fillTemplate(`${info.title} ${info.explanation}`, { origin: 'O', param: 'P' });
      expect(filled).not.toMatch(/\{[a-z]+\}/);
    },
  );

  test('Local and Private Network Access errors are explained although headers cannot show them', () => {
    const lna = [...CORS_ERRORS, ...LEGACY_CORS_ERRORS].filter((n) =>
      /LocalNetwork|PrivateNetwork|AllowExternal/.test(n),
    );
    expect(lna.length).toBeGreaterThanOrEqual(12);
    for (const name of lna) expect(corsErrorInfo(name).stage).toBe('local-network');
  });
});
