/**
 * The page workload the CPU benchmarks run: N cross-origin fetches, half preflighted (PUT with
 * JSON), every URL unique, a fixed number in flight; it sets document.title when done.
 */
import type { RequestListener } from 'node:http';

export function workloadPage(apiOrigin: string, count: number, inFlight: number, delayMs: number): string {
  return `<!doctype html><meta charset="utf-8"><title>ready</title><script>
async function run(token) {
  let next = 0;
  async function lane() {
    while (next < ${count}) {
      const i = next++;
      const url = '${apiOrigin}/w/' + token + '/' + i + '?delay=${delayMs}';
      const init = i % 2 ? { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' } : {};
      await fetch(url, init).then((r) => r.text()).catch(() => {});
    }
  }
  await Promise.all(Array.from({ length: ${inFlight} }, lane));
  document.title = 'done ' + token;
}
</script>`;
}

export function pageServer(html: () => string): RequestListener {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html());
  };
}
