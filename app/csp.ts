// The Content-Security-Policy of the renderer, in the desktop window and in browser mode: only
// its own scripts (the linter runs in a same-origin Worker), no inline script, no remote
// connections (requests to InfluxDB servers are made by the host, never by the page).
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'", // Mantine injects CSS variables at runtime
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
