/**
 * The what-if engine: an edited server answer judged again for every request to the server, and an
 * answer taken as the fix. End to end on Chrome's own verdicts: tests/e2e/har.test.ts (every failure
 * family) and tests/e2e/panel-import.test.ts (the editor in the panel).
 */
import { expect, test } from 'vitest';
import { reportEntryOf } from '../../src/report/entry.ts';
import { serversOf } from '../../src/report/servers.ts';
import {
  additionsOf,
  answerOf,
  capturedAnswer,
  outcomeCounts,
  requirementOfAnswer,
  type ServerAnswer,
  underMergedFix,
  whatIf,
  whatIfAll,
} from '../../src/report/what-if.ts';
import { API, allowedGet, blockedPost, h, PAGE } from './captured.ts';

const post = reportEntryOf(blockedPost('1'));
const get = reportEntryOf(allowedGet('2'));

test('the answer as captured gives the verdict Chrome gave; the edited header lets it through', () => {
  const answer = capturedAnswer(post, [get]);
  expect(answer.preflightStatus).toBe(204);
  expect(answer.preflight['Access-Control-Allow-Headers']).toBe('Content-Type');
  // The response of the request that got one: the blocked POST never went out.
  expect(answer.response['Access-Control-Allow-Origin']).toBe(PAGE);
  expect(whatIf(post, answer)).toMatchObject({
    kind: 'blocked',
    corsError: 'HeaderDisallowedByPreflightResponse',
    failedParameter: 'authorization',
  });
  const edited: ServerAnswer = {
    ...answer,
    preflight: { ...answer.preflight, 'Access-Control-Allow-Headers': 'Content-Type, Authorization' },
  };
  expect(whatIf(post, edited)).toMatchObject({ kind: 'allowed', corsError: null });
  // A request that passes without credentials and not with them, and nothing tells which: it says so.
  const maybeCookies = reportEntryOf(allowedGet('7'));
  const wildcard = {
    ...capturedAnswer(maybeCookies, []),
    response: { ...answer.response, 'Access-Control-Allow-Origin': '*' },
  };
  expect(whatIf(maybeCookies, wildcard)).toMatchObject({ kind: 'allowed' });
  const undetermined = { ...maybeCookies, undetermined: true };
  expect(whatIf(undetermined, wildcard)).toMatchObject({
    kind: 'undetermined',
    corsError: 'WildcardOriginNotAllowed',
  });
});

test('an edited answer replaces every line of the header it names: two Allow-Origin lines become one', () => {
  const doubled = reportEntryOf(
    allowedGet('3', {
      state: 'failed',
      error: 'net::ERR_FAILED',
      responses: [
        {
          url: `${API}/r/3`,
          status: 200,
          headers: [h('Access-Control-Allow-Origin', PAGE), h('Access-Control-Allow-Origin', PAGE)],
        },
      ],
    }),
  );
  expect(doubled.corsError).toBe('MultipleAllowOriginValues');
  const answer = capturedAnswer(doubled, []);
  expect(answer.response['Access-Control-Allow-Origin']).toBe(`${PAGE}, ${PAGE}`);
  expect(whatIf(doubled, answer)).toMatchObject({ kind: 'blocked', corsError: 'MultipleAllowOriginValues' });
  const one = { ...answer, response: { ...answer.response, 'Access-Control-Allow-Origin': PAGE } };
  expect(whatIf(doubled, one)).toMatchObject({ kind: 'allowed' });
});

test('a redirected request or one without headers is not tried, and says why', () => {
  const redirected = reportEntryOf(
    allowedGet('4', {
      responses: [
        { url: `${API}/r/4`, status: 302, headers: [h('Location', `${API}/r/5`)] },
        { url: `${API}/r/5`, status: 200, headers: [h('Access-Control-Allow-Origin', PAGE)] },
      ],
    }),
  );
  expect(whatIf(redirected, answerOf(post.requirement ?? fail(), PAGE))).toEqual({
    kind: 'not-modelled',
    reason: 'it was redirected, and one answer cannot stand for each hop',
  });
  const rows = whatIfAll([post, redirected], answerOf(post.requirement ?? fail(), PAGE));
  expect(outcomeCounts(rows)).toEqual({ pass: 1, withoutCredentials: 0, tried: 1 });
});

test("the merged fix's answer: each page origin echoed only to itself, every request passes", () => {
  const other = 'http://localhost:5173';
  const fromOther = reportEntryOf(blockedPost('6', { initiator: other }));
  const [server] = serversOf([post, get, fromOther]);
  if (!server) throw new Error('no server');
  expect(server.requirement.origins).toEqual([PAGE, other]);
  expect(answerOf(server.requirement, other).preflight['Access-Control-Allow-Origin']).toBe(other);
  expect(answerOf(server.requirement, 'http://evil.example').preflight['Access-Control-Allow-Origin']).toBe(
    PAGE,
  );
  const rows = underMergedFix([post, get, fromOther], server.requirement);
  expect(rows.map((r) => r.outcome.kind)).toEqual(['allowed', 'allowed', 'allowed']);
});

test('"Use as fix": the edited answer is what the fix sends, never an empty method list', () => {
  const req = post.requirement ?? fail();
  const back = requirementOfAnswer(answerOf(req, PAGE), req);
  expect(back).toEqual({ ...req, origins: [PAGE], origin: PAGE });
  const edited: ServerAnswer = {
    preflightStatus: 204,
    preflight: {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Credentials': null,
      'Access-Control-Allow-Methods': null,
      'Access-Control-Allow-Headers': 'x-api-key, *',
      'Access-Control-Max-Age': 'soon',
    },
    response: {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Expose-Headers': null,
    },
  };
  expect(requirementOfAnswer(edited, req)).toMatchObject({
    // `*` stands for the page origins seen: the fixes name origins.
    origins: req.origins,
    methods: ['GET', 'POST'],
    // A `*` becomes the headers these requests send: a fix names them.
    headers: ['x-api-key', 'Content-Type', 'Authorization'],
    credentials: true,
    maxAge: 600,
  });
  // What the fix adds that the answer did not say is said, never added silently.
  expect(additionsOf(edited)).toEqual([
    'Allows GET and POST too: a fix lists the methods a simple request uses.',
    'The * in Access-Control-Allow-Headers is written as the names these requests use: a fix names them.',
    'Access-Control-Max-Age is not a number of seconds: the fix sends 600, so the browser asks once per 10 minutes instead of before every request.',
  ]);
  expect(additionsOf(answerOf(req, PAGE))).toEqual([]);
});

function fail(): never {
  throw new Error('expected a requirement');
}

test('a request blocked before it went out: the server fix says credentials are unknown, and what they would need', () => {
  const [server] = serversOf([post, get]);
  expect(server?.requirement.credentials).toBe(false);
  expect(server?.notes.join(' ')).toMatch(
    /Blocked before it went out, POST \/r\/1 showed no cookie: nothing tells whether the page sends it with credentials/,
  );
  // Once a request to the server proves credentials, the fix allows them, and the note goes.
  const withCookie = reportEntryOf(
    allowedGet('8', {
      requestHeaders: [h('Origin', PAGE), h('Cookie', 'sid=1')],
      responses: [
        {
          url: `${API}/r/8`,
          status: 200,
          headers: [h('Access-Control-Allow-Origin', PAGE), h('Access-Control-Allow-Credentials', 'true')],
        },
      ],
    }),
  );
  const [proved] = serversOf([post, get, withCookie]);
  expect(proved?.requirement.credentials).toBe(true);
  expect(proved?.notes.join(' ')).not.toMatch(/showed no cookie/);
});

test('a request that passes only without credentials, and nothing says which: the fix serves both readings, and says so', () => {
  // A response that allows the page's origin but not credentials, from a source that does not say
  // the browser's outcome (Firefox without its page observer, a HAR without Chrome's markers).
  const maybe = reportEntryOf(
    allowedGet('5', {
      responses: [{ url: `${API}/r/5`, status: 200, headers: [h('Access-Control-Allow-Origin', PAGE)] }],
    }),
    'engine',
  );
  expect(maybe.undetermined).toBe(true);
  const [server] = serversOf([post, maybe]);
  expect(server?.requirement.credentials).toBe(true);
  expect(server?.requirement.origins).toEqual([PAGE]);
  expect(server?.notes.join(' ')).toMatch(
    /Nothing recorded shows whether the page sends GET \/r\/5 with credentials .*: the fix allows credentials for the exact origin, which lets them through either way/,
  );
  // What the fix makes pass, read both ways: both requests pass, with credentials and without.
  const rows = underMergedFix([post, maybe], server?.requirement ?? fail());
  expect(rows.map((r) => r.outcome.kind)).toEqual(['allowed', 'allowed']);
});
