/**
 * `npm start`: builds the extension (done by the npm script before this runs) and tells how to
 * load it. The live demo — a page and a broken API — arrives with capture.
 */
import { resolve } from 'node:path';

const dist = resolve(import.meta.dirname, '../../dist');
console.log(`CORS Lens is built in ${dist}

Load it in Chrome or Chromium:
  1. open chrome://extensions
  2. switch on "Developer mode" (top right)
  3. click "Load unpacked" and choose ${dist}
  4. open DevTools on any page: the "CORS" panel is there
`);
