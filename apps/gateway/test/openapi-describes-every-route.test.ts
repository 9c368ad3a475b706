import { ALL_ROUTES } from '@lakehouse/shared/contracts/index.ts'
import { errorStatuses } from '@lakehouse/shared/contracts/openapi.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'

// The merged OpenAPI document (ADR-018): a valid OpenAPI 3.1 description in which every declared
// route of every daemon appears, with its error responses in the one error shape, and a reference
// page whose every asset the gateway serves itself.

type Doc = {
  openapi: string
  paths: Record<
    string,
    Record<
      string,
      {
        responses: Record<string, { content?: Record<string, { schema: unknown }> }>
        security: unknown[]
        requestBody?: unknown
      }
    >
  >
}

const config = testConfig({ auth: { token: 'admin-token-0123456789' } })
let app: Awaited<ReturnType<typeof buildApp>>
let doc: Doc

beforeAll(async () => {
  app = await buildApp({ config })
  const res = await app.inject({ method: 'GET', url: '/v1/openapi.json' })
  expect(res.statusCode).toBe(200)
  doc = res.json() as Doc
})
afterAll(async () => {
  await app.close()
  config.cleanup()
})

const openapiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{key}')

describe('GET /v1/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document whose references all resolve, served without a token', async () => {
    expect(doc.openapi).toBe('3.1.0')
    const validator = new Validator()
    const result = await validator.validate(structuredClone(doc) as never)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(() => validator.resolveRefs()).not.toThrow()
  })

  it('describes every route of every daemon with its scope and its error responses', () => {
    expect(ALL_ROUTES.length).toBeGreaterThan(40)
    for (const { contract } of ALL_ROUTES) {
      const op = doc.paths[openapiPath(contract.url)]?.[contract.method.toLowerCase()]
      expect(op, `${contract.method} ${contract.url}`).toBeDefined()
      const statuses = Object.keys(op?.responses ?? {})
      for (const status of ['500', '503', '504']) expect(statuses).toContain(status)
      if (contract.scope !== 'open') {
        expect(statuses, `${contract.method} ${contract.url}`).toEqual(expect.arrayContaining(['401', '403']))
        expect(op?.security).toEqual([{ bearer: [] }])
      }
      if (contract.body) expect(op?.requestBody, `${contract.method} ${contract.url}`).toBeDefined()
      for (const status of errorStatuses(contract)) {
        const schema = op?.responses[status]?.content?.['application/json']?.schema
        const shape = contract.url.startsWith('/v1/iceberg/') ? 'IcebergError' : 'Error'
        expect(schema).toEqual({ $ref: `#/components/schemas/${shape}` })
      }
    }
  })

  it('carries the request and answer shapes of the zod contracts', () => {
    const sql = doc.paths['/v1/query/sql']?.post as unknown as {
      requestBody: {
        content: { 'application/json': { schema: { properties: Record<string, unknown>; required: string[] } } }
      }
    }
    const body = sql.requestBody.content['application/json'].schema
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(['sql', 'params', 'format', 'max_rows']))
    expect(body.required).toContain('sql')
  })
})

describe('GET /docs', () => {
  it('renders from assets the gateway serves itself, nothing from another host', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs/' })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/text\/html/)
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string)
    expect(assets.length).toBeGreaterThan(0)
    for (const asset of assets) {
      expect(asset).not.toMatch(/^(https?:)?\/\//)
      const res = await app.inject({ method: 'GET', url: new URL(asset, 'http://gateway/docs/').pathname })
      expect(res.statusCode, asset).toBe(200)
    }
    const init = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' })
    // Whatever the page loads (url:, src=, href=) names no other host; an inline SVG's xmlns does not count.
    expect(init.body).toContain("resolveUrl('./json')")
    expect(init.body).not.toMatch(/(?:url|src|href)\s*[:=]\s*['"](?:https?:)?\/\//)
  })
})
