import { defineRoute } from './route.ts'

// The gateway's own interfaces for tools (issue 17, ADR-018): the API described as one OpenAPI
// document, its reference page, and the MCP endpoint. Served by the gateway itself, not forwarded.

export const interfaceRoutes = {
  openapi: defineRoute({
    method: 'GET',
    url: '/v1/openapi.json',
    // The description of a public API is no secret, and a browser opening /docs sends no bearer.
    scope: 'open',
    summary: 'this API as one OpenAPI 3.1 document, generated from the route contracts',
  }),
  docs: defineRoute({
    method: 'GET',
    url: '/docs',
    scope: 'open',
    summary: 'a reference page rendering /v1/openapi.json (assets served by the gateway itself)',
  }),
  mcp: defineRoute({
    method: 'POST',
    url: '/mcp',
    // The least scope that can call a tool; each tool checks its own route's scope (ADR-018).
    scope: 'read',
    summary: 'Model Context Protocol, Streamable HTTP, stateless: one JSON-RPC message or batch per request',
  }),
  mcpStream: defineRoute({
    method: 'GET',
    url: '/mcp',
    scope: 'read',
    summary: 'answers 405: a stateless MCP server opens no server-to-client stream',
  }),
} as const
