import { list, q, type Renderer, routePrefix, structuralNotes } from '../fix.ts';

/**
 * Flask with Flask-CORS (3.x and later: the same options).
 *
 * Flask-CORS adds its headers in an after_request hook, once the request was handled: a
 * `@app.before_request` check that aborts (a token check) still answers the preflight itself, 401,
 * wherever CORS(app) is called (measured on Flask 2.2 / Flask-CORS 3.0). So when a preflight was
 * refused, the fix also answers preflights in a before_request function put first of all, which
 * Flask-CORS then completes with its headers.
 */
export const flask: Renderer = (req) => {
  const answerPreflights = req.problems.some(
    (p) => p.kind === 'auth-before-cors' || p.kind === 'no-options-handler' || p.kind === 'preflight-crashed',
  );
  return {
    stack: 'flask',
    language: 'python',
    imports: [
      ...(answerPreflights ? ['from flask import request'] : []),
      'from flask_cors import CORS  # pip install flask-cors',
    ],
    code: `# In place of your CORS(app, ...) call, after app = Flask(__name__).
CORS(
    app,
    resources={r${q(`${routePrefix(req.path)}/*`)}: {"origins": [${list(req.origins)}]}},
    methods=[${list(req.methods)}],
    allow_headers=[${list(req.headers)}],
    supports_credentials=${req.credentials ? 'True' : 'False'},
    max_age=${req.maxAge},
)${
      answerPreflights
        ? `


def answer_preflight():
    # Browsers send no credentials with a preflight: answer it before any
    # check that wants them.
    if request.method == "OPTIONS":
        return app.make_default_options_response()


# First of all before_request functions, yours included, wherever this is
# pasted.
app.before_request_funcs.setdefault(None, []).insert(0, answer_preflight)`
        : ''
    }`,
    notes: structuralNotes(
      req,
      {
        cors: 'Flask-CORS',
        first: 'Call CORS(app, ...) right after creating the app, before registering blueprints',
      },
      {
        'auth-before-cors': (p) =>
          `The preflight got ${p.status}: a before_request check (authentication) answered it, and browsers never send credentials with a preflight. Flask-CORS only adds headers after a request is handled, so answer_preflight below answers OPTIONS first, before every before_request function.`,
        'error-without-cors': (p) =>
          `The ${p.status} response had no CORS headers: the route is outside the resources CORS(app, ...) covers, or the error was answered before Flask handled the request. The resources pattern below covers every route under ${routePrefix(req.path) || '/'}.`,
        'no-options-handler': (p) =>
          `The preflight got ${p.status}: nothing answers OPTIONS ${p.path ?? req.path}. answer_preflight below answers every OPTIONS request, before every before_request function.`,
      },
    ),
  };
};
