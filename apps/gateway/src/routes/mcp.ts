import { grants, LakehouseError, MethodNotAllowed, type PeerDaemon, type ServiceClient } from '@lakehouse/shared'
import { interfaceRoutes } from '@lakehouse/shared/contracts/gateway.ts'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { type Call, callerOf, TOOLS, type ToolSpec } from '../mcp-tools.ts'

// POST /mcp: the Model Context Protocol over Streamable HTTP, stateless (ADR-018). Every request
// gets a fresh server and transport: no session, so any gateway replica can answer any request.
// The route needs a read token (the auth hook); the tools a token sees are the ones its scopes
// grant, and each tool calls its daemon with the caller's own token, so the daemon checks again.

export const MCP_SERVER_INFO = { name: 'lakehouse', version: '1.0.0' }

function toolResult(tool: ToolSpec, result: Record<string, unknown>): CallToolResult {
  return { structuredContent: result, content: [{ type: 'text', text: tool.text(result) }] }
}

/** An API error is a tool error carrying its code; the session goes on. */
function toolError(err: unknown): CallToolResult {
  const known = err instanceof LakehouseError
  const error = {
    code: known ? err.code : 'internal_error',
    status: known ? err.status : 500,
    message: known ? err.message : 'internal error',
    ...(known && err.issues ? { issues: err.issues } : {}),
  }
  return {
    isError: true,
    structuredContent: { error },
    content: [{ type: 'text', text: `${error.code}: ${error.message}` }],
  }
}

function mcpServer(req: FastifyRequest, call: Call): McpServer {
  const server = new McpServer(MCP_SERVER_INFO)
  const held = req.grantedScopes ?? new Set()
  for (const tool of TOOLS) {
    if (!grants(held, tool.scope)) continue
    server.registerTool(
      tool.name,
      { description: tool.description, inputSchema: tool.input, outputSchema: tool.output },
      async (args) => {
        try {
          return toolResult(tool, await tool.run(args as Record<string, unknown>, call))
        } catch (err) {
          if (!(err instanceof LakehouseError)) req.log.error({ err, tool: tool.name }, 'mcp tool failed')
          return toolError(err)
        }
      },
    )
  }
  return server
}

export function registerMcp(app: FastifyInstance, peers: ReadonlyMap<PeerDaemon, ServiceClient>): void {
  app.route({
    ...routeOptions(interfaceRoutes.mcp),
    handler: async (req, reply) => {
      const server = mcpServer(req, callerOf(peers, req.headers.authorization))
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
      reply.hijack()
      reply.raw.setHeader('x-request-id', req.id)
      reply.raw.on('close', () => {
        void transport.close()
        void server.close()
      })
      await server.connect(transport)
      await transport.handleRequest(req.raw, reply.raw, req.body)
    },
  })
  app.route({
    ...routeOptions(interfaceRoutes.mcpStream),
    handler: async (_req, reply) => {
      reply.header('allow', 'POST')
      throw new MethodNotAllowed('this MCP server is stateless: POST one JSON-RPC message per request, no stream')
    },
  })
}
