import { list, q, type Renderer, routePrefix, structuralNotes } from '../fix.ts';

/** Flask with Flask-CORS. */
export const flask: Renderer = (req) => ({
  stack: 'flask',
  language: 'python',
  imports: ['from flask_cors import CORS  # pip install flask-cors'],
  code: `CORS(
    app,
    resources={r${q(`${routePrefix(req.path)}/*`)}: {"origins": [${list(req.origins)}]}},
    methods=[${list(req.methods)}],
    allow_headers=[${list(req.headers)}],
    supports_credentials=${req.credentials ? 'True' : 'False'},
    max_age=${req.maxAge},
)`,
  notes: structuralNotes(req, {
    cors: 'Flask-CORS',
    first: 'Call CORS(app, ...) right after creating the app, before registering blueprints',
  }),
});
