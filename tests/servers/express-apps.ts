/**
 * Express apps with the real `cors` package, configured the ways people configure it — right and
 * wrong. Each configuration is mounted under its own path prefix.
 */
import cors from 'cors';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';

const hello: RequestHandler = (_req, res) => {
  res.json({ message: 'Hello from the API!' });
};

/** The configuration most tutorials show, with the origin of a dev server on port 3000. */
export const CLASSIC_ORIGIN = 'http://localhost:3000';

export function createExpressApps(pageOrigin: string): Express {
  const root = express();

  const classic = express();
  classic.use(
    cors({
      origin: CLASSIC_ORIGIN,
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['Content-Type', 'Authorization'],
    }),
  );
  classic.all('/api/data', hello);
  root.use('/classic', classic);

  // The classic configuration with the right origin: PATCH and custom headers are still missing.
  const fixed = express();
  fixed.use(
    cors({
      origin: pageOrigin,
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['Content-Type', 'Authorization'],
    }),
  );
  fixed.all('/api/data', hello);
  fixed.get('/api/boom', () => {
    throw new Error('boom');
  });
  const onError: ErrorRequestHandler = (_err, _req, res, _next) => {
    res.status(500).json({ error: 'internal' });
  };
  fixed.use(onError);
  root.use('/fixed', fixed);

  const defaults = express();
  defaults.use(cors());
  defaults.all('/api/data', hello);
  root.use('/default', defaults);

  const reflect = express();
  reflect.use(cors({ origin: true, credentials: true }));
  reflect.all('/api/data', hello);
  root.use('/reflect', reflect);

  const list = express();
  list.use(cors({ origin: [pageOrigin, 'https://example.com'] }));
  list.all('/api/data', hello);
  root.use('/list', list);

  const regex = express();
  regex.use(cors({ origin: /example\.com$/ }));
  regex.all('/api/data', hello);
  root.use('/regex', regex);

  // A route registered before the CORS middleware answers without CORS headers.
  const order = express();
  order.post('/early', hello);
  order.use(cors({ origin: pageOrigin }));
  order.post('/late', hello);
  root.use('/order', order);

  // cors() on one route only: nothing answers the preflight with CORS headers.
  const perRoute = express();
  perRoute.put('/item', cors({ origin: pageOrigin }), hello);
  root.use('/perroute', perRoute);

  // preflightContinue hands OPTIONS to the next handler, and there is none.
  const cont = express();
  cont.use(cors({ origin: pageOrigin, preflightContinue: true }));
  cont.put('/api/data', hello);
  root.use('/continue', cont);

  const cached = express();
  cached.use(cors({ origin: pageOrigin, maxAge: 600 }));
  cached.all('/api/data', hello);
  root.use('/cached', cached);

  // An authentication check before CORS rejects the preflight, which never carries credentials.
  const auth = express();
  auth.use((req, res, next) => {
    if (req.headers.authorization) next();
    else res.status(401).json({ error: 'unauthorized' });
  });
  auth.use(cors({ origin: pageOrigin, allowedHeaders: ['Content-Type', 'Authorization'] }));
  auth.all('/api/data', hello);
  root.use('/auth', auth);

  return root;
}
