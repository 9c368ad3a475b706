import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { CompactionConflict, LakehouseError, type Logger, NotFound } from '@lakehouse/shared'
import type { CompactRequest, CompactResult, DataFile, Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import { makeOwnedTempDir, sweepOrphanTempDirs } from '@lakehouse/shared/temp-folders.ts'
import type { CompactionMetrics, CompactionOutcome } from './metrics.ts'
import { type CompactionLimits, dueTier, isCompactionDue, planPass } from './plan.ts'
import { rewriteParquet } from './rewrite.ts'
import { type CompactionStorage, deleteQuietly, downloadFiles, uploadFiles } from './transfer.ts'

// Compaction (ADR-022): a pass reads a dataset's latest version, rewrites its small files into
// files near the target size, and commits the swap as a new version with the same rows. One pass
// at a time in a process (which bounds DuckDB's memory to one memory_limit and makes every dataset
// single-flight). A pass whose input files another writer removed meanwhile gives up and deletes
// its output. Automatic passes run in the background after commits and never throw at anyone.

export interface CompactorDeps {
  catalog: {
    getManifest(name: string): Promise<Manifest>
    rewrite(name: string, change: Omit<CompactRequest, 'operation'>): Promise<Manifest>
  }
  storage: CompactionStorage
  limits: CompactionLimits
  duckdb: { memoryLimit: string; threads: number }
  /** Each pass works in a folder of its own under this one, removed after it. */
  tmpDir: string
  /** false: passes run only on demand. */
  isAuto: boolean
  log: Logger
  metrics?: CompactionMetrics
  /** Runs between a pass's upload and its commit (tests hold a pass there to race it). */
  beforeCommit?: (name: string) => Promise<void>
}

export class Compactor {
  readonly #deps: CompactorDeps
  /** The tail of the one queue every pass waits in. */
  #queue: Promise<unknown> = Promise.resolve()
  /** Datasets with a background check queued and not started: a commit adds at most one. */
  readonly #scheduled = new Set<string>()
  readonly #background = new Set<Promise<void>>()
  /** Folders of passes a killed process left behind are removed before this process's first pass. */
  #isSwept = false

  constructor(deps: CompactorDeps) {
    this.#deps = deps
  }

  /** One pass on demand, after the passes queued before it. NotFound for an unknown dataset. */
  compact(name: string): Promise<CompactResult> {
    return this.#exclusive(() => this.#pass(name, false)).catch((err: unknown) => {
      if (err instanceof NotFound) throw err
      this.#count(err instanceof CompactionConflict ? 'conflict' : 'failed')
      throw err
    })
  }

  /** After a commit: a pass in the background when the dataset is due. Never throws, never waits. */
  schedule(name: string): void {
    if (!this.#deps.isAuto || this.#scheduled.has(name)) return
    this.#scheduled.add(name)
    const run = this.#exclusive(async () => {
      // Unmarked before the check: a commit landing during this pass queues one more check.
      this.#scheduled.delete(name)
      const latest = await this.#deps.catalog.getManifest(name).catch((err: unknown) => {
        if (err instanceof NotFound) return undefined
        throw err
      })
      if (latest && isCompactionDue(latest, this.#deps.limits)) await this.#pass(name, true)
    }).catch((err: unknown) => this.#report(name, err))
    this.#background.add(run)
    void run.finally(() => this.#background.delete(run))
  }

  /** Waits until no background pass is queued or running (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background])
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work)
    this.#queue = run.catch(() => undefined)
    return run
  }

  #count(outcome: CompactionOutcome, swapped?: { removed: number; added: number }): void {
    this.#deps.metrics?.onPass(outcome, swapped)
  }

  #report(name: string, err: unknown): void {
    if (err instanceof NotFound) return // deleted while the pass waited: nothing left to compact
    if (err instanceof CompactionConflict) {
      this.#count('conflict')
      this.#deps.log.info({ dataset: name, reason: err.message }, 'compaction gave up: its input changed')
      return
    }
    this.#count('failed')
    this.#deps.log.warn({ dataset: name, err }, 'compaction failed')
  }

  /** `byTier`: an automatic pass merges the due size tier only (plan.ts); on demand, every small file. */
  async #pass(name: string, byTier: boolean): Promise<CompactResult> {
    const latest = await this.#deps.catalog.getManifest(name)
    const tier = byTier ? dueTier(latest, this.#deps.limits) : undefined
    const plan = planPass(latest, this.#deps.limits.targetBytes, tier)
    if (!plan.files) {
      this.#count('nothing')
      return { compacted: false, reason: plan.reason, files_removed: 0, files_added: 0, manifest: latest }
    }
    await this.#sweepOnce()
    const workDir = await makeOwnedTempDir(this.#deps.tmpDir, name)
    try {
      const { committed, added } = await this.#rewrite(name, latest, plan.files, workDir)
      const swapped = { removed: plan.files.length, added }
      this.#count('compacted', swapped)
      this.#deps.log.info({ dataset: name, version: committed.version, ...swapped }, 'compacted')
      return { compacted: true, files_removed: swapped.removed, files_added: added, manifest: committed }
    } finally {
      await rm(workDir, { recursive: true, force: true })
    }
  }

  async #sweepOnce(): Promise<void> {
    if (this.#isSwept) return
    this.#isSwept = true
    const removed = await sweepOrphanTempDirs(this.#deps.tmpDir)
    if (removed > 0) this.#deps.log.info({ removed }, 'removed temp folders of interrupted compactions')
  }

  async #rewrite(name: string, latest: Manifest, inputs: DataFile[], workDir: string) {
    const { storage, limits, duckdb } = this.#deps
    const inputDir = join(workDir, 'in')
    await mkdir(inputDir)
    const paths = await downloadFiles(storage, inputs, inputDir)
    const written = await rewriteParquet(paths, latest.schema, join(workDir, 'out'), {
      targetBytes: limits.targetBytes,
      memoryLimit: duckdb.memoryLimit,
      threads: duckdb.threads,
      spillDir: join(workDir, 'spill'),
    })
    const files = await uploadFiles(storage, name, written)
    try {
      await this.#deps.beforeCommit?.(name)
      const committed = await this.#deps.catalog.rewrite(name, { remove: inputs.map((f) => f.key), files })
      return { committed, added: files.length }
    } catch (err) {
      // A 4xx from the commit means it did not land; anything else may have, so vacuum decides.
      if (err instanceof LakehouseError && err.status >= 400 && err.status < 500) await deleteQuietly(storage, files)
      throw err
    }
  }
}
