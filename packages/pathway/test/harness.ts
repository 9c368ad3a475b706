import { readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Pathway, type PathwayDeps } from '../src/index.ts'
import { FakeEmbed, FakeVectors } from '../src/testing/fakes.ts'
import { MemoryStorage } from '../src/testing/memory-storage.ts'

// A pathway over in-memory storage, embedd and vectord, with a clock and uids that count from a
// fixed start, so fixtures can state exact answers. A second Pathway over the same storage is what
// a second observerd process (or a restart) sees.

export const FIXTURES = resolve(import.meta.dirname, '../../../tests/fixtures/pathway')

export interface Harness {
  storage: MemoryStorage
  embed: FakeEmbed
  vectors: FakeVectors
  pathway: Pathway
  /** Another process over the same storage, embedd and vectord, with its own clock and uids. */
  reopen: (overrides?: Partial<PathwayDeps>) => Pathway
}

export function counters(uidPrefix = 'tr_') {
  let uids = 0
  let ticks = 0
  return {
    newUid: () => `${uidPrefix}${String(++uids).padStart(4, '0')}`,
    now: () => new Date(Date.UTC(2026, 0, 1) + ++ticks * 1000).toISOString(),
  }
}

export function harness(overrides: Partial<PathwayDeps> = {}, storage = new MemoryStorage()): Harness {
  const embed = new FakeEmbed()
  const vectors = new FakeVectors()
  const make = (o: Partial<PathwayDeps>, uidPrefix: string) =>
    new Pathway({ storage, embed, vectors, ...counters(uidPrefix), ...o })
  let processes = 0
  return {
    storage,
    embed,
    vectors,
    pathway: make(overrides, 'tr_'),
    reopen: (o = {}) => make({ ...overrides, ...o }, `tr_p${++processes}_`),
  }
}

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(resolve(FIXTURES, name), 'utf8')) as T
}

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
}
