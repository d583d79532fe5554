/**
 * The credentials mode as capture reads it: what proves "include", Chrome's order when it is
 * known, and what an entry says when nothing recorded tells it.
 */
import { describe, expect, test } from 'vitest';
import { judge } from '../../src/capture/judge.ts';
import { allowedGet, blockedPost, h, PAGE } from './captured.ts';

/** Blocked at a preflight that lacks both Access-Control-Allow-Credentials and the header asked for. */
const blockedAtPreflight = (over: Parameters<typeof blockedPost>[1] = {}) => blockedPost('1', over);

describe('what proves credentials', () => {
  test('a beacon always carries them: Chrome names the credentials check, which it makes first', () => {
    const j = judge(blockedAtPreflight({ type: 'ping' }), 'browser');
    expect(j.exchange.credentials).toBe('include');
    expect(j.verdict.corsError).toBe('PreflightInvalidAllowCredentials');
  });

  test("Chrome's Sec-Fetch-Storage-Access on the request (sent only in mode include) proves them", () => {
    const get = allowedGet('2', {
      requestHeaders: [h('Origin', PAGE), h('Sec-Fetch-Storage-Access', 'none')],
      state: 'failed',
      error: 'net::ERR_FAILED',
    });
    const j = judge(get, 'browser');
    expect(j.exchange.credentials).toBe('include');
    expect(j.verdict.corsError).toBe('InvalidAllowCredentials');
    expect(j.verdict.findings.map((f) => f.kind)).not.toContain('credentials-inferred');
  });
});

describe('when nothing recorded tells the mode', () => {
  test('both readings blocked, differently: the entry names the other reading', () => {
    const j = judge(blockedAtPreflight(), 'browser');
    expect(j.verdict.corsError).toBe('HeaderDisallowedByPreflightResponse');
    const other = j.verdict.findings.find((f) => f.kind === 'credentials-undetermined');
    expect(other?.message).toContain('PreflightInvalidAllowCredentials');
  });

  test('the engine decides (Firefox, HARs without markers): allowed only without credentials is undetermined', () => {
    const j = judge(allowedGet('3'), 'engine');
    expect({ blocked: j.blocked, undetermined: j.undetermined }).toEqual({
      blocked: false,
      undetermined: true,
    });
    expect(j.verdict.findings.find((f) => f.kind === 'credentials-undetermined')?.message).toMatch(
      /Access-Control-Allow-Credentials/,
    );
  });

  test('Chrome allowed it: either reading holds, nothing to say', () => {
    const j = judge(allowedGet('4'), 'browser');
    expect({ blocked: j.blocked, undetermined: j.undetermined }).toEqual({
      blocked: false,
      undetermined: false,
    });
    expect(j.verdict.findings.map((f) => f.kind)).not.toContain('credentials-undetermined');
  });

  test('a response that allows credentials too leaves nothing undetermined', () => {
    const get = allowedGet('5', {
      responses: [
        {
          url: 'http://127.0.0.1:8000/r/5',
          status: 200,
          headers: [h('Access-Control-Allow-Origin', PAGE), h('Access-Control-Allow-Credentials', 'true')],
        },
      ],
    });
    expect(judge(get, 'engine').undetermined).toBe(false);
  });
});
