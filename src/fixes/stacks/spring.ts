import { type Renderer, routePrefix, structuralNotes } from '../fix.ts';

const javaList = (items: readonly string[]) => items.map((s) => JSON.stringify(s)).join(', ');

/** Spring Boot (WebMvcConfigurer); with Spring Security, http.cors() lets preflights past authentication. */
export const spring: Renderer = (req) => ({
  stack: 'spring',
  language: 'java',
  imports: [],
  code: `@Configuration
public class CorsConfig implements WebMvcConfigurer {
  @Override
  public void addCorsMappings(CorsRegistry registry) {
    registry.addMapping(${JSON.stringify(`${routePrefix(req.path)}/**`)})
        .allowedOrigins(${req.origins.map((o) => JSON.stringify(o)).join(', ')})
        .allowedMethods(${javaList(req.methods)})
        .allowedHeaders(${javaList(req.headers)})
        .allowCredentials(${req.credentials})
        .maxAge(${req.maxAge});
  }
}
// With Spring Security, also enable CORS in the filter chain so preflights
// pass before authentication: http.cors(Customizer.withDefaults());`,
  notes: structuralNotes(req, { cors: 'Spring', first: 'Enable http.cors() in Spring Security' }),
});
