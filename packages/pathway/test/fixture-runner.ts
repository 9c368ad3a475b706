import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { LakehouseError } from '@lakehouse/shared/errors.ts'
import { expect } from 'vitest'
import { canonicalJson, contentHash, type Pathway, sha256Hex } from '../src/index.ts'
import { FIXTURES, harness } from './harness.ts'

// Runs one tests/fixtures/pathway/*.json file: seeds storage, calls the pathway step by step and
// compares every answer (or error code) with the fixture, then the stored events, then checks that
// a new process over the same storage answers every read the same. LH_TEST_WRITE_FIXTURES=1 fills
// in answers a fixture does not state yet (to be reviewed by hand before committing).

interface Step {
  call:
    | 'add'
    | 'get'
    | 'update'
    | 'revise'
    | 'retire'
    | 'replay'
    | 'reparent'
    | 'history'
    | 'list'
    | 'search'
    | 'status'
  args: unknown[]
  expect?: unknown
  error?: string
  expect_uids?: string[]
}

interface PathwayFixture {
  proves: string
  seed?: Record<string, unknown>
  steps: Step[]
  stored?: Record<string, unknown>
  stored_count?: Record<string, number>
}

const isWriting = process.env.LH_TEST_WRITE_FIXTURES === '1'

export async function runFixture(name: string): Promise<void> {
  const path = resolve(FIXTURES, name)
  const fixture = JSON.parse(readFileSync(path, 'utf8')) as PathwayFixture
  const h = harness()
  for (const [key, value] of Object.entries(fixture.seed ?? {})) h.storage.seed(key, seedBytes(value))
  let changed = false
  const namespaces = new Set<string>()
  for (const [i, step] of fixture.steps.entries()) {
    const where = `${name} step ${i} (${step.call})`
    const first = step.args[0]
    if (typeof first === 'string') namespaces.add(first)
    else if (first && typeof first === 'object' && 'namespace' in first) namespaces.add(String(first.namespace))
    const outcome = await call(h.pathway, step).then(
      (answer) => ({ answer }),
      (err: unknown) => ({ error: err instanceof LakehouseError ? err.code : String(err) }),
    )
    if (step.error !== undefined) {
      expect('error' in outcome ? outcome.error : 'no error', where).toBe(step.error)
      continue
    }
    if ('error' in outcome) throw new Error(`${where}: unexpected error ${outcome.error}`)
    const answer = JSON.parse(JSON.stringify(outcome.answer)) as unknown
    if (step.expect_uids !== undefined) {
      expect(
        (answer as { hits: Array<{ uid: string }> }).hits.map((hit) => hit.uid),
        where,
      ).toEqual(step.expect_uids)
    } else if (step.expect === undefined && isWriting) {
      step.expect = answer
      changed = true
    } else {
      expect(answer, where).toEqual(step.expect)
    }
  }
  for (const [key, expected] of Object.entries(fixture.stored ?? {})) {
    const stored = JSON.parse(h.storage.text(key) || 'null') as unknown
    if (expected === null && isWriting) {
      fixture.stored = { ...fixture.stored, [key]: stored }
      changed = true
    } else {
      expect(stored, `${name}: stored ${key}`).toEqual(expected)
    }
  }
  for (const [prefix, count] of Object.entries(fixture.stored_count ?? {})) {
    expect(h.storage.keys(prefix), `${name}: objects under ${prefix}`).toHaveLength(count)
  }
  await expectSameAfterRestart(h.pathway, h.reopen(), namespaces)
  if (changed) writeFileSync(path, `${JSON.stringify(fixture, null, 2)}\n`)
}

/** A new process folds the same log into the same state: every trace and its history, per namespace. */
async function expectSameAfterRestart(before: Pathway, after: Pathway, namespaces: Set<string>): Promise<void> {
  for (const namespace of namespaces) {
    const listed = await before.list({ namespace, limit: 1000 })
    expect(await after.list({ namespace, limit: 1000 }), `after restart: ${namespace}`).toEqual(listed)
    for (const trace of listed.traces) {
      expect(await after.history(namespace, trace.uid)).toEqual(await before.history(namespace, trace.uid))
    }
  }
}

function call(pathway: Pathway, step: Step): Promise<unknown> {
  const a = step.args as never[]
  switch (step.call) {
    case 'status':
      return pathway.status()
    case 'add':
      return pathway.add(...(a as [never]))
    case 'list':
      return pathway.list(...(a as [never]))
    case 'search':
      return pathway.search(...(a as [never]))
    default:
      return (pathway[step.call] as (...args: unknown[]) => Promise<unknown>)(...a)
  }
}

/** Seeds are JSON (with $HASH(text) and $SHA placeholders filled in) or, as a string, raw bytes. */
function seedBytes(value: unknown): string {
  if (typeof value === 'string') return value
  const text = JSON.stringify(value).replace(/\$HASH\(([^)]*)\)/g, (_m, content: string) => contentHash(content, []))
  const event = JSON.parse(text) as Record<string, unknown>
  if (event.sha256 === '$SHA') {
    const { sha256: _placeholder, ...body } = event
    event.sha256 = sha256Hex(canonicalJson(body))
  }
  return JSON.stringify(event)
}
