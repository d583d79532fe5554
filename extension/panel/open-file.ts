/** Opens a file the user picked (HAR or report) in a worker, so the panel stays responsive. */
import { checkSize, decodeFile, type OpenedFile, openFile } from '../../src/har/open.ts';

export async function openPickedFile(file: File): Promise<OpenedFile> {
  const tooBig = checkSize(file.size);
  if (tooBig) return { ok: false, error: tooBig };
  let bytes: ArrayBuffer;
  try {
    bytes = await file.arrayBuffer();
  } catch (err) {
    return { ok: false, error: `The file could not be read: ${(err as Error).message}` };
  }
  let worker: Worker;
  try {
    worker = new Worker(new URL('./open-worker.ts', import.meta.url), { type: 'module' });
  } catch {
    // No worker (a locked-down page): read it here; the panel shows "Reading…" meanwhile.
    return openFile(decodeFile(new Uint8Array(bytes)));
  }
  try {
    return await new Promise<OpenedFile>((resolve) => {
      worker.onmessage = (e: MessageEvent<OpenedFile>) => resolve(e.data);
      worker.onerror = (e) =>
        resolve({ ok: false, error: `CORS Lens could not read this file: ${e.message}` });
      worker.postMessage({ bytes }, [bytes]);
    });
  } finally {
    worker.terminate();
  }
}
