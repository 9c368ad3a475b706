import { createReadStream } from 'node:fs'
import { rm, stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import {
  AlreadyExists,
  assertValidName,
  LakehouseError,
  type Logger,
  NotFound,
  VersionConflict,
} from '@lakehouse/shared'
import type { DataFile, Manifest, SchemaField } from '@lakehouse/shared/contracts/catalog.ts'
import { dataFileKey } from '@lakehouse/shared/contracts/catalog-layout.ts'
import type { IngestAnswer, IngestMode, SourceFormat } from '@lakehouse/shared/contracts/ingest.ts'
import { ulid } from 'ulid'
import { type CommitPlan, planCommit } from './commit-plan.ts'
import { describeUpload, type ParquetFile, stageUpload, type UploadSource, writeParquet } from './conversion.ts'
import { EarlyUploader } from './early-upload.ts'
import { assertIdempotencyKey, commitKeyOf, fingerprintOf, IdempotencyLedger } from './idempotency.ts'
import { PhaseClock } from './phase-clock.ts'
import type { Catalog, ObjectStore } from './ports.ts'
import { type CsvOptions, resolveFormat } from './source-format.ts'
import { assertDeclaredSize, receiveUpload } from './upload.ts'
import { createWorkspace, type Workspace } from './workspace.ts'

// One ingest, start to end: body → temp file → DuckDB → Parquet files → storaged (create-only, new
// ulid keys) → one catalog commit. Nothing is visible before the commit, and the commit is the last
// step, so any failure leaves the dataset as it was. The temp folder goes whatever happens; data
// files of a commit catalogd refused are deleted, those of a commit whose outcome is unknown (a
// timeout) are left for the vacuum, because the commit may have landed.

/** Reads of a Parquet file sent to storaged. */
const UPLOAD_READ_BYTES = 1024 * 1024

export interface IngestRequest {
  dataset: string
  format?: SourceFormat
  contentType?: string
  mode: IngestMode
  csv: CsvOptions
  idempotencyKey?: string
  /** The content-length header, when the client sent one: refused early when over the cap. */
  declaredLength?: string
  body: Readable | undefined
}

export interface IngestLimits {
  tmpDir: string
  maxUploadBytes: number
  maxFileBytes: number
}

const MAX_ATTEMPTS = 3

/** What an Idempotency-Key decided before conversion: nothing, when the request has none. */
interface KeyClaim {
  isRetry: boolean
  earlier?: IngestAnswer
  fingerprint: string
  commitKey: string | undefined
}

/** One committed ingest: its rows, its upload's bytes and the milliseconds of each phase. */
export interface IngestDone {
  rows: number
  bytes: number
  phaseMs: Readonly<Record<string, number>>
}

const NO_KEY: KeyClaim = { isRetry: false, fingerprint: '', commitKey: undefined }

export class Ingestor {
  readonly #engine: DuckDBInstance
  readonly #store: ObjectStore
  readonly #catalog: Catalog
  readonly #ledger: IdempotencyLedger
  readonly #limits: IngestLimits
  readonly #log: Logger
  readonly #onIngested: (done: IngestDone) => void

  constructor(deps: {
    engine: DuckDBInstance
    store: ObjectStore
    catalog: Catalog
    limits: IngestLimits
    log: Logger
    /** Told after every ingest that committed (metrics, ADR-019). */
    onIngested?: (done: IngestDone) => void
  }) {
    this.#engine = deps.engine
    this.#store = deps.store
    this.#catalog = deps.catalog
    this.#ledger = new IdempotencyLedger(deps.store)
    this.#limits = deps.limits
    this.#log = deps.log
    this.#onIngested = deps.onIngested ?? (() => undefined)
  }

  async ingest(request: IngestRequest): Promise<IngestAnswer> {
    const dataset = assertValidName(request.dataset, 'dataset')
    const format = resolveFormat(request.format, request.contentType)
    assertIdempotencyKey(request.idempotencyKey)
    assertDeclaredSize(request.declaredLength, this.#limits.maxUploadBytes)
    const workspace = await createWorkspace(this.#limits.tmpDir)
    const clock = new PhaseClock()
    // The dataset's manifest is fetched while the body arrives and is parsed, not after (ADR-023).
    const manifest = this.#currentManifest(dataset)
    manifest.catch(() => undefined)
    try {
      const key = request.idempotencyKey
      const upload = await receiveUpload(request.body, workspace.uploadPath, this.#limits.maxUploadBytes, {
        isHashed: key !== undefined,
      })
      clock.mark('receive')
      const claim = key === undefined ? NO_KEY : await this.#claim(key, { ...request, dataset, format }, upload.sha256)
      if (claim.earlier) return claim.earlier
      const source: UploadSource = { format, path: workspace.uploadPath, csv: request.csv }
      const answer = await this.#convertAndCommit(dataset, request.mode, { source, bytes: upload.bytes }, workspace, {
        idempotency: claim,
        clock,
        manifest,
      })
      if (key !== undefined) await this.#recordQuietly(key, claim.fingerprint, answer)
      const { version, rows_ingested } = answer
      this.#log.info(
        { dataset, version, rows_ingested, bytes: upload.bytes, upload_writes: upload.fileWrites, ms: clock.ms },
        'ingested',
      )
      this.#onIngested({ rows: rows_ingested, bytes: upload.bytes, phaseMs: clock.ms })
      return answer
    } finally {
      await workspace.remove()
    }
  }

  async #claim(
    key: string,
    request: { dataset: string; format: SourceFormat; mode: IngestMode; csv: CsvOptions },
    bodySha256: string | undefined,
  ): Promise<KeyClaim> {
    const { dataset, format, mode, csv } = request
    const fingerprint = fingerprintOf({ dataset, format, mode, csv, bodySha256: `${bodySha256}` })
    const claim = await this.#ledger.claim(key, fingerprint, dataset)
    return { ...claim, fingerprint, commitKey: commitKeyOf(key, fingerprint) }
  }

  async #convertAndCommit(
    dataset: string,
    mode: IngestMode,
    upload: { source: UploadSource; bytes: number },
    workspace: Workspace,
    context: { idempotency: KeyClaim; clock: PhaseClock; manifest: Promise<Manifest | undefined> },
  ): Promise<IngestAnswer> {
    const { idempotency, clock } = context
    const conn = await this.#engine.connect()
    try {
      const source = await stageUpload(conn, upload.source, upload.bytes)
      const uploaded = await describeUpload(conn, source)
      clock.mark('describe')
      for (let attempt = 1; ; attempt++) {
        // A retry after a lost race must see the commit that won it: fetched again.
        const current = await (attempt === 1 ? context.manifest : this.#currentManifest(dataset))
        const plan = planCommit(dataset, mode, current, uploaded, { isRetry: idempotency.isRetry })
        try {
          const { commitKey } = idempotency
          return await this.#writeAndCommit(conn, dataset, plan, source, uploaded, workspace, commitKey, clock)
        } catch (err) {
          // Lost a race: someone committed between our read of the manifest and our commit.
          const isRace = err instanceof VersionConflict || (err instanceof AlreadyExists && mode !== 'create')
          if (!isRace || attempt >= MAX_ATTEMPTS) throw err
          this.#log.info({ dataset, attempt }, 'ingest commit lost a race; planning again')
        }
      }
    } finally {
      conn.closeSync()
    }
  }

  async #writeAndCommit(
    conn: DuckDBConnection,
    dataset: string,
    plan: CommitPlan,
    source: UploadSource,
    uploaded: readonly SchemaField[],
    workspace: Workspace,
    commitKey: string | undefined,
    clock: PhaseClock,
  ): Promise<IngestAnswer> {
    await rm(workspace.outputDir, { recursive: true, force: true })
    // Files DuckDB has finished go to storaged while it writes the next one.
    const uploader = new EarlyUploader(workspace.outputDir, (path) => this.#putDataFile(dataset, path))
    uploader.start()
    let parquet: ParquetFile[]
    try {
      parquet = await writeParquet(conn, source, uploaded, plan.schema, workspace.outputDir, this.#limits.maxFileBytes)
    } catch (err) {
      await this.#dropEarlyUploads(uploader)
      throw err
    } finally {
      await uploader.stop()
    }
    clock.mark('convert')
    const files = await this.#uploadFiles(parquet, uploader)
    clock.mark('store')
    let manifest: Manifest
    try {
      manifest = await this.#catalog.commit(dataset, {
        ...plan,
        files,
        ...(commitKey === undefined ? {} : { idempotency_key: commitKey }),
      })
    } catch (err) {
      if (err instanceof LakehouseError && err.status >= 400 && err.status < 500) await this.#deleteQuietly(files)
      throw err
    }
    clock.mark('commit')
    const ours = new Set(files.map((f) => f.key))
    if (manifest.files.some((f) => ours.has(f.key))) {
      return { dataset, version: manifest.version, rows_ingested: sum(files), schema: manifest.schema, files }
    }
    // catalogd already held a commit with this idempotency key: answer with that one, drop ours.
    await this.#deleteQuietly(files)
    return this.#answerOfEarlierCommit(manifest)
  }

  async #answerOfEarlierCommit(manifest: Manifest): Promise<IngestAnswer> {
    let files = manifest.files
    if (manifest.operation === 'append' && manifest.version > 1) {
      const before = new Set(
        (await this.#catalog.getManifest(manifest.name, manifest.version - 1)).files.map((f) => f.key),
      )
      files = files.filter((f) => !before.has(f.key))
    }
    return {
      dataset: manifest.name,
      version: manifest.version,
      rows_ingested: sum(files),
      schema: manifest.schema,
      files,
    }
  }

  /** Every file under a new create-only key, in file order; on failure none of them stays. */
  async #uploadFiles(parquet: readonly ParquetFile[], uploader: EarlyUploader): Promise<DataFile[]> {
    try {
      const keys = await uploader.keysOf(parquet.map((file) => file.path))
      return parquet.map((file, i) => ({ key: keys[i] as string, rows: file.rows, bytes: file.bytes }))
    } catch (err) {
      await this.#dropEarlyUploads(uploader)
      throw err
    }
  }

  async #putDataFile(dataset: string, path: string): Promise<string> {
    const key = dataFileKey(dataset, ulid())
    // 1 MiB reads: a 64 KiB stream makes the client's event loop handle 16× the chunks (ADR-027).
    await this.#store.putIfAbsent(key, createReadStream(path, { highWaterMark: UPLOAD_READ_BYTES }), {
      contentLength: (await stat(path)).size,
    })
    return key
  }

  async #dropEarlyUploads(uploader: EarlyUploader): Promise<void> {
    await uploader.stop()
    await uploader.settled()
    await this.#deleteQuietly(uploader.stored.map((key) => ({ key, rows: 0, bytes: 0 })))
  }

  async #currentManifest(dataset: string): Promise<Manifest | undefined> {
    try {
      return await this.#catalog.getManifest(dataset)
    } catch (err) {
      if (err instanceof NotFound) return undefined
      throw err
    }
  }

  async #deleteQuietly(files: readonly DataFile[]): Promise<void> {
    for (const file of files) {
      // An orphan that cannot be deleted now is the vacuum's: it is never referenced, never read.
      await this.#store.delete(file.key).catch((err) => this.#log.warn({ err, key: file.key }, 'orphan data file left'))
    }
  }

  async #recordQuietly(key: string, fingerprint: string, answer: IngestAnswer): Promise<void> {
    // The commit is done; without the record a retry still finds it through the catalog's key.
    await this.#ledger
      .record(key, fingerprint, answer)
      .catch((err) => this.#log.warn({ err }, 'idempotency record not stored'))
  }
}

const sum = (files: readonly DataFile[]) => files.reduce((n, f) => n + f.rows, 0)
