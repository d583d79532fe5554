/**
 * Reads an imported file off the panel's thread: parsing a HAR of tens of megabytes and judging
 * thousands of requests would otherwise freeze DevTools for seconds.
 */
import { decodeFile, openFile } from '../../src/har/open.ts';

self.onmessage = (event: MessageEvent<{ bytes: ArrayBuffer }>) => {
  try {
    self.postMessage(openFile(decodeFile(new Uint8Array(event.data.bytes))));
  } catch (err) {
    self.postMessage({ ok: false, error: `CORS Lens could not read this file: ${(err as Error).message}` });
  }
};
