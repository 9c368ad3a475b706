import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ServiceClient } from '@lakehouse/shared'
import { observerRoutes } from '@lakehouse/shared/contracts/observer.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { type Stack, startStack } from '@lakehouse/shared/testing/stack.ts'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { callerOf } from '../src/mcp-tools.ts'

// The MCP server at the gateway (issue 17, ADR-018) against real daemons: the SDK's own client,
// given only the gateway URL and a token, runs the agent loop (query → search → review → seal →
// search playbooks) and gets what the HTTP API answers; a read token sees and calls only read
// tools; a statement the sandbox forbids comes back as a tool error with its API code.

const ADMIN = 'admin-token-0123456789abcdef'
const WRITER = 'writer-token-0123456789abcdef'
const READER = 'reader-token-0123456789abcdef'
const CSV = 'id,name,city\n1,Ada,Chicago\n2,Bo,Chicago\n3,Cy,Denver\n'
const CHICAGO = "SELECT id FROM candidates WHERE city = 'Chicago' ORDER BY id"

let dir: string
let stack: Stack
let gatewayUrl: string
let closeGateway: () => Promise<void>

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lh-mcp-'))
  const secrets = join(dir, 'secrets.toml')
  writeFileSync(
    secrets,
    `[auth]\ntoken = "${ADMIN}"\n` +
      `[[auth.tokens]]\nname = "writer"\ntoken = "${WRITER}"\nscopes = ["write"]\n` +
      `[[auth.tokens]]\nname = "reader"\ntoken = "${READER}"\nscopes = ["read"]\n`,
  )
  chmodSync(secrets, 0o600)
  stack = await startStack({
    more: ['ingestd', 'queryd', 'embedd', 'vectord', 'observerd'],
    env: { LH_SECRETS: secrets },
  })
  const peers = Object.fromEntries(Object.entries(stack.daemons).map(([name, child]) => [name, child?.url as string]))
  const config = testConfig({
    peers,
    auth: {
      token: ADMIN,
      tokens: [
        { name: 'writer', token: WRITER, scopes: ['write'] },
        { name: 'reader', token: READER, scopes: ['read'] },
      ],
    },
  })
  const app = await buildApp({ config })
  gatewayUrl = await app.listen({ port: 0, host: '127.0.0.1' })
  closeGateway = async () => {
    await app.close()
    config.cleanup()
  }
  const ingest = await http(WRITER, 'POST', '/v1/ingest/candidates?format=csv', CSV, 'text/csv')
  expect(ingest.status).toBe(200)
  expect((await http(WRITER, 'POST', '/v1/vectors/indexes', { name: 'people', dim: 3, metric: 'cosine' })).status).toBe(
    201,
  )
  const items = [
    { id: 'ada', vector: [1, 0, 0], metadata: { city: 'Chicago' } },
    { id: 'bo', vector: [0.9, 0.1, 0], metadata: { city: 'Chicago' } },
    { id: 'cy', vector: [0, 1, 0], metadata: { city: 'Denver' } },
  ]
  expect((await http(WRITER, 'POST', '/v1/vectors/indexes/people/upsert', { items })).status).toBe(200)
}, 180_000)
afterAll(async () => {
  await closeGateway?.()
  await stack?.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function http(token: string, method: string, path: string, body?: unknown, type = 'application/json') {
  const res = await fetch(`${gatewayUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

async function mcp(token: string): Promise<Client> {
  const client = new Client({ name: 'lakehouse-test', version: '1.0.0' })
  const transport = new StreamableHTTPClientTransport(new URL(`${gatewayUrl}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  })
  await client.connect(transport)
  return client
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult
  expect(result.isError, JSON.stringify(result.content)).not.toBe(true)
  expect(result.content[0]?.type).toBe('text')
  return result.structuredContent as Record<string, unknown>
}

describe('MCP at the gateway', () => {
  it('lists every tool to a write token, only the read tools to a read token', async () => {
    const writer = await mcp(WRITER)
    const reader = await mcp(READER)
    try {
      const all = (await writer.listTools()).tools.map((t) => t.name).sort()
      expect(all).toEqual(
        [
          'add_trace',
          'describe_dataset',
          'list_datasets',
          'query_sql',
          'retire_trace',
          'review_claim',
          'seal_playbook',
          'search_playbooks',
          'search_traces',
          'search_vectors',
        ].sort(),
      )
      const tools = (await reader.listTools()).tools
      expect(tools.map((t) => t.name).sort()).toEqual(
        [
          'describe_dataset',
          'list_datasets',
          'query_sql',
          'search_playbooks',
          'search_traces',
          'search_vectors',
        ].sort(),
      )
      const sql = tools.find((t) => t.name === 'query_sql')
      expect(Object.keys(sql?.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['sql', 'max_rows']))
      expect(sql?.inputSchema.properties).not.toHaveProperty('format')
      // The answer's shape is the route's response schema: the SDK client checks structuredContent with it.
      expect(Object.keys(sql?.outputSchema?.properties ?? {})).toEqual(
        expect.arrayContaining(['columns', 'rows', 'row_count', 'truncated']),
      )
    } finally {
      await writer.close()
      await reader.close()
    }
  })

  it('runs query → search → review → seal → search playbooks and answers what the HTTP API answers', async () => {
    const agent = await mcp(WRITER)
    try {
      const datasets = await call(agent, 'list_datasets')
      expect((datasets.datasets as Array<{ name: string }>).map((d) => d.name)).toContain('candidates')
      const described = await call(agent, 'describe_dataset', { name: 'candidates' })
      expect(described).toMatchObject({ manifest: { name: 'candidates', row_count: 3 }, versions: [{ version: 1 }] })

      const rows = await call(agent, 'query_sql', { sql: CHICAGO })
      const viaHttp = await http(READER, 'POST', '/v1/query/sql', { sql: CHICAGO })
      expect(rows.rows).toEqual([[1], [2]])
      expect({ ...rows, elapsed_ms: 0 }).toEqual({ ...viaHttp.json, elapsed_ms: 0 })

      const search = { name: 'people', vector: [1, 0, 0], k: 2, filter: { city: 'Chicago' } }
      const hits = await call(agent, 'search_vectors', search)
      const { name: _, ...body } = search
      expect(hits).toEqual((await http(READER, 'POST', '/v1/vectors/indexes/people/search', body)).json)
      expect((hits.hits as Array<{ id: string }>).map((h) => h.id)).toEqual(['ada', 'bo'])

      const review = await call(agent, 'review_claim', {
        claim: 'the Chicago candidates are 1 and 2',
        check: { sql: CHICAGO, expect: { op: 'contains', values: [1, 2] } },
      })
      expect(review).toMatchObject({ verdict: 'accept', degraded: false })
      const stored = await http(READER, 'GET', `/v1/observer/reviews/${review.review_id as string}`)
      expect(stored.json).toEqual(review)

      const task = 'find the Chicago candidates'
      const sealed = await call(agent, 'seal_playbook', {
        task,
        steps: [{ tool: 'query_sql', sql: CHICAGO }],
        review_id: review.review_id,
        outputs: { ids: [1, 2] },
      })
      expect(sealed).toMatchObject({ verdict: 'accept', playbook_id: expect.stringMatching(/^pb_/) })

      const found = await call(agent, 'search_playbooks', { task: 'Chicago candidates' })
      expect((found.hits as Array<{ playbook_id: string }>)[0]?.playbook_id).toBe(sealed.playbook_id)
      expect(found).toEqual(
        (await http(READER, 'POST', '/v1/memory/playbooks/search', { task: 'Chicago candidates' })).json,
      )
    } finally {
      await agent.close()
    }
  })

  it('adds, finds and retires a trace', async () => {
    const agent = await mcp(WRITER)
    try {
      const added = await call(agent, 'add_trace', { content: 'Ada prefers remote work', metadata: { who: 'ada' } })
      const uid = (added as { trace: { uid: string } }).trace.uid
      const found = await call(agent, 'search_traces', { query: 'remote work', filter: { who: 'ada' } })
      expect((found.hits as Array<{ uid: string }>).map((h) => h.uid)).toContain(uid)
      await call(agent, 'retire_trace', { uid, reason: 'outdated' })
      const after = await call(agent, 'search_traces', { query: 'remote work', filter: { who: 'ada' } })
      expect((after.hits as Array<{ uid: string }>).map((h) => h.uid)).not.toContain(uid)
    } finally {
      await agent.close()
    }
  })

  it('refuses a write tool to a read token', async () => {
    const reader = await mcp(READER)
    try {
      const result = (await reader.callTool({
        name: 'review_claim',
        arguments: { claim: 'x', check: { sql: 'SELECT 1', expect: { op: 'eq', value: 1 } } },
      })) as CallToolResult
      expect(result.isError).toBe(true)
      expect(result.content[0]).toMatchObject({ text: expect.stringMatching(/Tool review_claim not found/) })
    } finally {
      await reader.close()
    }
  })

  it("calls each daemon with the caller's token, not the gateway's: the daemon's own scope check applies", async () => {
    // The gateway's clients hold the admin service token; a tool call made for a reader must not borrow it.
    const observerd = new ServiceClient({ service: 'observerd', baseUrl: stack.url('observerd'), token: ADMIN })
    try {
      const asReader = callerOf(new Map([['observerd', observerd]]), `Bearer ${READER}`)
      const review = { claim: 'x', check: { sql: 'SELECT 1', expect: { op: 'eq', value: 1 } } }
      await expect(asReader(observerRoutes.createReview, review)).rejects.toMatchObject({ code: 'forbidden' })
    } finally {
      await observerd.close()
    }
  })

  it('answers a statement the sandbox forbids as a tool error carrying statement_not_allowed', async () => {
    const agent = await mcp(WRITER)
    try {
      const result = (await agent.callTool({
        name: 'query_sql',
        arguments: { sql: "COPY (SELECT 1) TO '/tmp/lh-mcp-escape.csv'" },
      })) as CallToolResult
      expect(result.isError).toBe(true)
      expect(result.structuredContent).toMatchObject({ error: { code: 'statement_not_allowed', status: 403 } })
      expect(result.content[0]).toMatchObject({ type: 'text', text: expect.stringMatching(/^statement_not_allowed: /) })
      // The session goes on after a tool error.
      expect((await call(agent, 'query_sql', { sql: 'SELECT 42 AS x' })).rows).toEqual([[42]])
    } finally {
      await agent.close()
    }
  })

  it('answers 401 with WWW-Authenticate to a request without a token', async () => {
    const res = await fetch(`${gatewayUrl}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
    // Stateless: no server-to-client stream to open.
    const stream = await fetch(`${gatewayUrl}/mcp`, { headers: { authorization: `Bearer ${READER}` } })
    expect(stream.status).toBe(405)
    expect(((await stream.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed')
  })
})
