/** Conventions that keep the error table whole: every CorsError explained, named for Firefox, linked. */
import { describe, expect, test } from 'vitest';
import { PLACEHOLDERS } from '../../src/cors/explanations.ts';
import {
  CORS_ERRORS,
  type CorsError,
  corsErrorInfo,
  FIREFOX_REASONS,
  familyOf,
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

describe('families', () => {
  test('an error and its Preflight* twin are one family', () => {
    const all = [...CORS_ERRORS, ...LEGACY_CORS_ERRORS] as string[];
    const twins = all.filter((n) => n.startsWith('Preflight') && all.includes(n.slice('Preflight'.length)));
    expect(twins.length).toBeGreaterThanOrEqual(6);
    for (const twin of twins) {
      const plain = twin.slice('Preflight'.length) as CorsError;
      expect(familyOf(twin as CorsError), twin).toBe(familyOf(plain));
    }
  });

  test('every Local or Private Network Access error is of the local-network family', () => {
    for (const name of [...CORS_ERRORS, ...LEGACY_CORS_ERRORS])
      expect(familyOf(name) === 'local-network', name).toBe(corsErrorInfo(name).stage === 'local-network');
  });
});

test('fillTemplate: {read} says what the browser read, or "found no such header" — never an empty code span', () => {
  expect(fillTemplate('The browser {read}.', { origin: 'O', param: '' })).toBe(
    'The browser found no such header.',
  );
  expect(fillTemplate('The browser {read} from {origin}.', { origin: 'O', param: 'x' })).toBe(
    'The browser read `x` from O.',
  );
  expect(fillTemplate('`{param}` for {origin}', { origin: 'O', param: 'x' })).toBe('`x` for O');
});

test('every text holds only the named placeholders, and never an empty-able `{param}` after "read"', () => {
  for (const name of [...CORS_ERRORS, ...LEGACY_CORS_ERRORS]) {
    const { title, explanation } = corsErrorInfo(name);
    for (const text of [title, explanation]) {
      const names = [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(
        names.filter((n) => !(PLACEHOLDERS as readonly string[]).includes(n as string)),
        name,
      ).toEqual([]);
      expect(text, name).not.toMatch(/read `\{param\}`/);
    }
  }
});
