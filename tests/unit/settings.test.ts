/** The worker's own check of every settings patch: what the options page refuses, it refuses too. */
import { expect, test } from 'vitest';
import {
  DEFAULT_SETTINGS,
  patchSettings,
  RING_SIZE_MAX,
  RING_SIZE_MIN,
} from '../../extension/shared/settings.ts';

test.each([
  [5, 1000],
  [50, 1000],
  [RING_SIZE_MIN - 1, 1000],
  [RING_SIZE_MIN, RING_SIZE_MIN],
  [500, 500],
  [5000, 5000],
  [RING_SIZE_MAX, RING_SIZE_MAX],
  [RING_SIZE_MAX + 1, 1000],
  [500.5, 1000],
  ['5000', 1000],
  [Number.NaN, 1000],
])('ring size %j → %j', (ringSize, kept) => {
  expect(patchSettings(DEFAULT_SETTINGS, { ringSize }).ringSize).toBe(kept);
});

test('development-origin patterns are taken only when every line is one', () => {
  expect(
    patchSettings(DEFAULT_SETTINGS, { devOrigins: ['*.test', 'http://app.test:8080/'] }).devOrigins,
  ).toEqual(DEFAULT_SETTINGS.devOrigins);
  expect(patchSettings(DEFAULT_SETTINGS, { devOrigins: ['*.test', 42] }).devOrigins).toEqual(
    DEFAULT_SETTINGS.devOrigins,
  );
  expect(patchSettings(DEFAULT_SETTINGS, { devOrigins: ['*.test', 'localhost'] }).devOrigins).toEqual([
    '*.test',
    'localhost',
  ]);
  expect(patchSettings(DEFAULT_SETTINGS, { devOrigins: [] }).devOrigins).toEqual([]);
});
