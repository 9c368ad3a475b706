import { describe, it } from 'vitest'
import { runFixture } from './fixture-runner.ts'
import { fixtureNames } from './harness.ts'

// One test per fixture in tests/fixtures/pathway (each file says what it proves).
describe('pathway fixtures', () => {
  for (const name of fixtureNames()) it(name, () => runFixture(name))
})
