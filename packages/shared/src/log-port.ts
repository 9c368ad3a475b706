// The logger a domain module takes: two levels and structured fields first, as pino's are. Domain
// code is handed `app.log` (or a test's silent one) through this narrow shape and never imports
// Fastify or pino types, so it runs and tests without a server.

export interface Logger {
  info(fields: object, message: string): void
  warn(fields: object, message: string): void
}
