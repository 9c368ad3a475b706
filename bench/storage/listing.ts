import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { FsListing, readFolder } from '../../apps/storaged/src/fs-listing.ts'
import { encodeTrailer } from '../../apps/storaged/src/fs-trailer.ts'

// bench/storage/listing (ADR-026): a full paginated walk (pages of 1,000, as StorageClient.list)
// over a soak-shaped fs root, ~190,000 objects by default: per dataset catalog/<ds>/ with one
// version file per commit, catalog/<ds>/idem/ with one entry per commit, iceberg/<ds>/metadata/
// with three per commit. Counts folder entries read (exact) and times the walk, for the current
// listing and, with LH_BENCH_LISTING_BEFORE=<git rev>, the listing of that revision (which re-read
// and re-sorted the cursor's folder on every page). Keys only plus the per-object trailer read
// that FsBackend.list adds is the same on both sides, so it is left out.

const REPO = resolve(import.meta.dirname, '../..')
const COMMITS = Number(process.env.LH_BENCH_LISTING_COMMITS ?? 12_700)
const DATASETS = ['soak_a', 'soak_b', 'soak_c']
const PAGE = 1000
const BEFORE = process.env.LH_BENCH_LISTING_BEFORE

function keysOf(commits: number): string[] {
  const keys: string[] = []
  for (const ds of DATASETS) {
    for (let v = 1; v <= commits; v++) {
      const n = String(v).padStart(10, '0')
      keys.push(`catalog/${ds}/v${n}.json`, `catalog/${ds}/idem/${(v * 2654435761).toString(16)}${n}.json`)
      for (const kind of ['snap', 'manifest', 'v']) keys.push(`iceberg/${ds}/metadata/${kind}-${n}.avro`)
    }
  }
  return keys
}

async function seed(root: string, keys: string[]): Promise<void> {
  const body = Buffer.concat([Buffer.from('{}'), encodeTrailer(Buffer.alloc(32), 2)])
  for (const folder of new Set(keys.map((k) => dirname(join(root, k))))) await mkdir(folder, { recursive: true })
  for (let i = 0; i < keys.length; i += 500) {
    await Promise.all(keys.slice(i, i + 500).map((k) => writeFile(join(root, k), body)))
  }
}

type Walk = (prefix: string, cursor: string | undefined) => AsyncGenerator<string>

async function fullWalk(walk: Walk, prefix: string): Promise<{ keys: number; pages: number; ms: number }> {
  const started = performance.now()
  let keys = 0
  let pages = 0
  let cursor: string | undefined
  for (;;) {
    let inPage = 0
    let last: string | undefined
    for await (const key of walk(prefix, cursor)) {
      last = key
      if (++inPage === PAGE) break
    }
    keys += inPage
    pages++
    if (inPage < PAGE) return { keys, pages, ms: performance.now() - started }
    cursor = last
  }
}

/** The listing of an older revision, with its folder reads counted in globalThis.__lhEntriesRead. */
async function beforeWalk(rev: string, root: string): Promise<Walk> {
  const dir = join(REPO, 'apps/storaged/src/.before-listing')
  mkdirSync(dir, { recursive: true })
  const source = execFileSync('git', ['show', `${rev}:apps/storaged/src/fs-listing.ts`], {
    cwd: REPO,
    encoding: 'utf8',
  })
  const counted = source
    .replace("from './key.ts'", "from '../key.ts'")
    .replace(
      'entries = await readdir(dir, { withFileTypes: true })',
      'entries = await readdir(dir, { withFileTypes: true }); (globalThis as any).__lhEntriesRead += entries.length',
    )
  writeFileSync(join(dir, 'fs-listing.ts'), counted)
  const module = (await import(join(dir, 'fs-listing.ts'))) as {
    walkKeys: (root: string, prefix: string, cursor?: string) => AsyncGenerator<string>
  }
  return (prefix, cursor) => module.walkKeys(root, prefix, cursor)
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'lh-bench-listing-'))
  try {
    const keys = keysOf(COMMITS)
    let t = performance.now()
    await seed(root, keys)
    console.log(`seeded ${keys.length} objects in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    const counts = { reads: 0, entries: 0 }
    const listing = new FsListing(root, {
      read: async (path) => {
        const entries = await readFolder(path)
        counts.reads++
        counts.entries += entries.length
        return entries
      },
    })
    for (const prefix of ['catalog/', '']) {
      counts.reads = 0
      counts.entries = 0
      t = performance.now()
      const after = await fullWalk((p, c) => listing.walkKeys(p, c), prefix)
      console.log(
        `after  prefix "${prefix}": ${after.keys} keys, ${after.pages} pages, ${after.ms.toFixed(0)} ms, ` +
          `${counts.reads} folder reads, ${counts.entries} entries read`,
      )
      if (!BEFORE) continue
      const g = globalThis as { __lhEntriesRead?: number }
      g.__lhEntriesRead = 0
      const before = await fullWalk(await beforeWalk(BEFORE, root), prefix)
      console.log(
        `before prefix "${prefix}": ${before.keys} keys, ${before.pages} pages, ${before.ms.toFixed(0)} ms, ` +
          `${g.__lhEntriesRead} entries read; ratio ${(before.ms / after.ms).toFixed(1)}x`,
      )
    }
  } finally {
    rmSync(root, { recursive: true, force: true })
    rmSync(join(REPO, 'apps/storaged/src/.before-listing'), { recursive: true, force: true })
  }
}

await main()
