import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, startHarness } from './fixtures.ts'

// Rule (issue 10 item 3): the query service hangs on the instance through decorate(), never
// Object.assign: Fastify's own members (app.query is its QUERY-method route shorthand) stay whole.

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h?.close()
})

describe('queryd app', () => {
  it('is decorated with its query service and keeps Fastify app.query', () => {
    expect(h.app.hasDecorator('queryService')).toBe(true)
    expect(h.app.queryService.engine).toBeDefined()
    expect(typeof h.app.query).toBe('function')
  })
})
