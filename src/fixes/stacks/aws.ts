import { type Renderer, structuralNotes } from '../fix.ts';

const S3_METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);

/** AWS: the S3 bucket CORS rules, and an API Gateway HTTP API's CORS configuration. */
export const aws: Renderer = (req) => {
  const s3 = [
    {
      AllowedOrigins: [...req.origins],
      AllowedMethods: req.methods.filter((m) => S3_METHODS.has(m)),
      AllowedHeaders: req.headers,
      MaxAgeSeconds: req.maxAge,
    },
  ];
  const apiGateway = {
    AllowOrigins: [...req.origins],
    AllowMethods: req.methods,
    AllowHeaders: req.headers,
    AllowCredentials: req.credentials,
    MaxAge: req.maxAge,
  };
  return {
    stack: 'aws',
    language: 'json',
    imports: [],
    code: `// S3: aws s3api put-bucket-cors --bucket BUCKET
// --cors-configuration '{"CORSRules": …}' with these rules
${JSON.stringify(s3, null, 2)}

// API Gateway (HTTP API): aws apigatewayv2 update-api --api-id ID
// --cors-configuration with
${JSON.stringify(apiGateway, null, 2)}`,
    notes: [
      ...structuralNotes(req, {
        cors: 'API Gateway',
        first: 'Let API Gateway answer OPTIONS (no OPTIONS route of your own)',
      }),
      ...(req.methods.some((m) => !S3_METHODS.has(m))
        ? ['S3 allows only GET, PUT, POST, DELETE and HEAD.']
        : []),
    ],
  };
};
