/** Captured requests for unit tests, shaped as the Pairer makes them from webRequest events. */
import { type CapturedRequest, startedRequest } from '../../src/capture/record.ts';

export const PAGE = 'http://localhost:3000';
export const API = 'http://127.0.0.1:8000';
export const h = (name: string, value: string) => ({ name, value });

const base = (id: string, over: Partial<CapturedRequest>): CapturedRequest => ({
  ...startedRequest({
    id,
    tabId: 1,
    frameId: 0,
    documentId: null,
    initiator: PAGE,
    url: `${API}/r/${id}`,
    method: 'GET',
    type: 'xmlhttprequest',
    time: Number(id),
    initiatorLocation: null,
  }),
  ...over,
});

/** A GET the server allowed. */
export function allowedGet(id: string, over: Partial<CapturedRequest> = {}): CapturedRequest {
  const url = `${API}/r/${id}`;
  return base(id, {
    requestHeaders: [h('Origin', PAGE)],
    hopSentHeaders: true,
    responses: [{ url, status: 200, headers: [h('Access-Control-Allow-Origin', PAGE), h('Vary', 'Origin')] }],
    state: 'completed',
    endTime: Number(id) + 1,
    ...over,
  });
}

/** A POST whose preflight did not allow its Authorization header; Chrome failed it. */
export function blockedPost(id: string, over: Partial<CapturedRequest> = {}): CapturedRequest {
  return base(id, {
    method: 'POST',
    currentMethod: 'POST',
    preflights: [
      {
        requestId: `${id}-preflight`,
        requestHeaders: [
          h('Origin', PAGE),
          h('Access-Control-Request-Method', 'POST'),
          h('Access-Control-Request-Headers', 'authorization,content-type'),
        ],
        status: 204,
        responseHeaders: [
          h('Access-Control-Allow-Origin', PAGE),
          h('Access-Control-Allow-Headers', 'Content-Type'),
        ],
      },
    ],
    state: 'failed',
    error: 'net::ERR_FAILED',
    endTime: Number(id) + 1,
    ...over,
  });
}

/** A GET with a response whose Access-Control-Allow-Origin is missing, still waiting to finish. */
export function inFlightGet(id: string): CapturedRequest {
  const url = `${API}/r/${id}`;
  return base(id, {
    requestHeaders: [h('Origin', PAGE)],
    hopSentHeaders: true,
    responses: [{ url, status: 200, headers: [] }],
  });
}
