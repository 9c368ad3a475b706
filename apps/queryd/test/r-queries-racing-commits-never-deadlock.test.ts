import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Harness, sql, startHarness, writeParquet } from './fixtures.ts'

// Found by the 30-minute soak (session 3): with the freshness HEAD overlapped with the run, a query
// took its first-chunk permit before it knew whether its views had moved; one that had to bind
// again then waited, permit in hand, for a view's DDL, which waited for queries that had entered
// that view and now waited for a permit. Eight clients racing commits stalled queryd for good (no
// error, no timeout: every query hung). Queries racing commits must all answer.

const ROUNDS = 12
const CLIENTS = 8
const DEADLINE_MS = 30_000

const BOTH = 'select (select count(*) from people) + (select count(*) from pets) as n'

describe('r-queries-racing-commits-never-deadlock', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ threads: 2 })
    const rows = await writeParquet(h.root, 'datasets/pets/data/0.parquet', 'select * from range(2) t(id)')
    h.catalog.commit('pets', [{ key: 'datasets/pets/data/0.parquet', rows }])
  })
  afterAll(async () => h.close())

  it('answers every query while each round commits to both datasets', async () => {
    const peopleFiles: Array<{ key: string; rows: number }> = [{ key: 'datasets/people/data/01.parquet', rows: 5 }]
    const petsFiles: Array<{ key: string; rows: number }> = [{ key: 'datasets/pets/data/0.parquet', rows: 2 }]
    const work = (async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const answers = Array.from({ length: CLIENTS }, () => sql(h.app, { sql: BOTH }))
        // Commits land while the round's queries are between their bind and their freshness check.
        for (const [name, files] of [
          ['people', peopleFiles],
          ['pets', petsFiles],
        ] as const) {
          const key = `datasets/${name}/data/r${round}.parquet`
          files.push({ key, rows: await writeParquet(h.root, key, `select '${key}' as id`) })
          h.catalog.commit(name, [...files])
        }
        for (const answer of await Promise.all(answers)) expect(answer.statusCode, answer.body).toBe(200)
      }
      return 'done'
    })()
    const stalled = new Promise((resolve) => setTimeout(() => resolve('stalled'), DEADLINE_MS).unref())
    expect(await Promise.race([work, stalled])).toBe('done')
    // And after the race, a query sees every commit.
    expect((await sql(h.app, { sql: BOTH })).json().rows).toEqual([[5 + 2 + 2 * ROUNDS]])
  }, 60_000)
})
