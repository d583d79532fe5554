/** The Firefox event reordering: a request's onSendHeaders is delivered just before its next event. */
import { describe, expect, test } from 'vitest';
import { SendHeadersOrder } from '../../extension/platform/firefox-order.ts';
import type { CaptureEvent } from '../../src/capture/events.ts';
import { Pairer } from '../../src/capture/pairing.ts';

const PAGE = 'http://localhost:3000';
const API = 'http://localhost:4000/api/orders';
const base = (requestId: string, method: string) => ({
  requestId,
  tabId: 1,
  frameId: 0,
  initiator: PAGE,
  url: API,
  method,
  type: 'xmlhttprequest',
  timeStamp: 0,
});

/** The order Firefox 153 fired them in for a POST whose preflight refused Authorization. */
const FIREFOX_ORDER: CaptureEvent[] = [
  { kind: 'beforeRequest', details: base('13', 'POST') },
  {
    kind: 'sendHeaders',
    details: { ...base('13', 'POST'), requestHeaders: [{ name: 'Authorization', value: 'Bearer x' }] },
  },
  { kind: 'beforeRequest', details: base('14', 'OPTIONS') },
  {
    kind: 'sendHeaders',
    details: {
      ...base('14', 'OPTIONS'),
      requestHeaders: [
        { name: 'Access-Control-Request-Method', value: 'POST' },
        { name: 'Access-Control-Request-Headers', value: 'authorization' },
        { name: 'Origin', value: PAGE },
      ],
    },
  },
  {
    kind: 'headersReceived',
    details: {
      ...base('14', 'OPTIONS'),
      statusCode: 204,
      responseHeaders: [{ name: 'Access-Control-Allow-Origin', value: PAGE }],
    },
  },
  { kind: 'errorOccurred', details: { ...base('14', 'OPTIONS'), error: 'net::ERR_FAILED' } },
  { kind: 'errorOccurred', details: { ...base('13', 'POST'), error: 'net::ERR_FAILED' } },
];

describe('SendHeadersOrder', () => {
  test("without it, Firefox's order leaves the preflight unpaired", () => {
    const pairer = new Pairer();
    const finished = FIREFOX_ORDER.flatMap((e) => pairer.handle(e).finished);
    expect(finished[0]?.preflights[0]).toBeNull();
  });

  test('with it, the preflight joins its request, as on Chrome', () => {
    const pairer = new Pairer();
    const finished: ReturnType<Pairer['handle']>['finished'] = [];
    const order = new SendHeadersOrder((e) => finished.push(...pairer.handle(e).finished));
    for (const e of FIREFOX_ORDER) order.handle(e);
    expect(finished).toHaveLength(1);
    expect(finished[0]?.preflights[0]?.status).toBe(204);
    expect(finished[0]?.requestHeaders).toEqual([{ name: 'Authorization', value: 'Bearer x' }]);
  });

  test('release and flush deliver what is held, once', () => {
    const delivered: string[] = [];
    const order = new SendHeadersOrder((e) => delivered.push(`${e.kind}:${e.details.requestId}`));
    order.handle(FIREFOX_ORDER[1] as CaptureEvent);
    expect(delivered).toEqual([]);
    order.release('13');
    order.release('13');
    expect(delivered).toEqual(['sendHeaders:13']);
    order.handle(FIREFOX_ORDER[1] as CaptureEvent);
    order.flush();
    order.flush();
    expect(delivered).toEqual(['sendHeaders:13', 'sendHeaders:13']);
  });
});
