/**
 * The service worker. Listeners are registered synchronously at the top level, so that Chrome
 * delivers events to a worker it restarted.
 */
import { browser } from '../platform/index.ts';
import { isMessage, type Message, type PingReply, type Reply } from '../shared/messages.ts';

const VERSION = browser.runtime.getManifest().version;

async function handle<M extends Message>(message: M): Promise<Reply<M>> {
  switch (message.type) {
    case 'cors:ping':
      return { ready: true, version: VERSION } satisfies PingReply as Reply<M>;
    case 'cors:report':
      throw new Error('cors:report arrives with capture (issue 3)');
  }
}

browser.runtime.onMessage.addListener((message: unknown) => {
  if (!isMessage(message)) return undefined;
  return handle(message);
});
