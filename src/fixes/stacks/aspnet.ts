import { type Renderer, structuralNotes } from '../fix.ts';

const csList = (items: readonly string[]) => items.map((s) => JSON.stringify(s)).join(', ');

/** ASP.NET Core: a named policy, applied after UseRouting and before authentication. */
export const aspnet: Renderer = (req) => ({
  stack: 'aspnet',
  language: 'csharp',
  imports: [],
  code: `builder.Services.AddCors(options => options.AddPolicy("frontend", policy => policy
    .WithOrigins(${req.origins.map((o) => JSON.stringify(o)).join(', ')})
    .WithMethods(${csList(req.methods)})
    .WithHeaders(${csList(req.headers)})${req.credentials ? '\n    .AllowCredentials()' : ''}
    .SetPreflightMaxAge(TimeSpan.FromSeconds(${req.maxAge}))));

var app = builder.Build();
app.UseRouting();
app.UseCors("frontend");      // after UseRouting, before UseAuthentication and UseAuthorization
app.UseAuthentication();
app.UseAuthorization();`,
  notes: structuralNotes(req, {
    cors: 'UseCors',
    first: 'Call app.UseCors("frontend") before UseAuthentication',
  }),
});
