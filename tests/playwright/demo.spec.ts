/**
 * The demo page and its API, tested as a user's end-to-end suite would: the page only learns
 * "Failed to fetch"; CORS Lens says which rule Chrome applied to each request. CORS_MODE=fail
 * fails the test on a CORS block (`cors: { fail: true }`); CORS_API=fixed serves the API with the
 * merged fix in place.
 */
import cors from 'cors';
import { expect, test } from 'cors-lens/playwright';
import { createDemoApi, type DemoServers, startDemo } from '../servers/demo-api.ts';

let demo: DemoServers;

test.beforeAll(async () => {
  demo = await startDemo(0, 0);
  if (process.env.CORS_API === 'fixed') {
    demo.useApi(
      createDemoApi(demo.pageOrigin, (app) => {
        app.use(
          cors({
            origin: demo.pageOrigin,
            methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
            allowedHeaders: ['Content-Type', 'Authorization'],
            credentials: true,
          }),
        );
      }),
    );
  }
});

test.afterAll(async () => {
  await demo?.close();
});

test.use({ cors: { fail: process.env.CORS_MODE === 'fail' } });

test('the demo page runs its requests', async ({ page }) => {
  await page.goto(`${demo.pageOrigin}/`);
  await expect(page).toHaveTitle(/done/);
});
