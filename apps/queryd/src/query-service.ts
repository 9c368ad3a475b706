import { homedir } from 'node:os'
import { join } from 'node:path'
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { type Config, dataPath } from '@lakehouse/shared'
import type { CommitObjects } from './commit-probe.ts'
import { HTTPFS_MISSING, HttpfsUnavailable, httpfsFiles, redactCreds, s3SecretSql } from './httpfs.ts'
import { type ObjectSource, ParquetCache } from './parquet-cache.ts'
import { QueryEngine, type QueryPhases, type RunEnded } from './query-engine.ts'
import { isExtensionInstalled, openSandbox } from './sandbox.ts'
import { createSpillFolder } from './spill-folder.ts'
import { pathRedactor } from './sql-errors.ts'
import { type CatalogSource, listTables, type ParquetFiles, type ViewLog, ViewSet } from './views.ts'

// queryd's domain assembled from its configuration: the sandboxed DuckDB instance, the Parquet
// files (local cache or httpfs), the views, and the query engine. Free of HTTP.

export interface QueryServiceDeps {
  config: Config
  catalog: CatalogSource
  objects: ObjectSource & CommitObjects
  /** Where the freshness probe asks (ADR-034); `objects` when not given. */
  commits?: CommitObjects
  log: ViewLog
  onRunEnded?: (run: RunEnded) => void
  onPhases?: (phases: QueryPhases) => void
}

export interface QueryService {
  engine: QueryEngine
  views: ViewSet
  /** The Parquet cache in mode `cache`; undefined in mode `httpfs`. */
  cache: ParquetCache | undefined
  tables: () => Promise<Awaited<ReturnType<typeof listTables>>>
  /** DuckDB's own memory by tag (duckdb_memory()), for metrics and /ready. */
  duckdbMemory: () => Promise<Array<{ tag: string; bytes: number }>>
  close: () => void
}

interface Access {
  files: ParquetFiles
  cache: ParquetCache | undefined
  allowed: string[]
  loadExtensions: string[]
  setupStatements: string[]
}

async function openAccess(deps: QueryServiceDeps, cacheDir: string): Promise<Access> {
  const { config } = deps
  if (config.query.access_mode === 'httpfs') {
    if (!(await isExtensionInstalled('httpfs'))) throw new HttpfsUnavailable(HTTPFS_MISSING)
    const bucket = config.storage.s3.bucket
    return {
      files: httpfsFiles(bucket),
      cache: undefined,
      allowed: [`s3://${bucket}/`],
      loadExtensions: ['httpfs'],
      setupStatements: [s3SecretSql(config.storage.s3)],
    }
  }
  const cache = new ParquetCache({
    dir: cacheDir,
    maxBytes: config.query.cache_max_bytes,
    source: deps.objects,
    fetchConcurrency: config.query.fetch_concurrency,
  })
  return { files: cache, cache, allowed: [`${cacheDir}/`], loadExtensions: [], setupStatements: [] }
}

export async function createQueryService(deps: QueryServiceDeps): Promise<QueryService> {
  const { config } = deps
  const cacheDir = dataPath(config, config.query.cache_dir, 'cache', 'query')
  const spillDir = createSpillFolder(join(config.paths.data_dir, 'tmp', 'query-spill'))
  const access = await openAccess(deps, cacheDir)
  const instance: DuckDBInstance = await openSandbox({
    allowedDirectories: access.allowed,
    memoryLimit: config.query.memory_limit,
    threads: config.query.threads,
    spillDirectory: spillDir,
    loadExtensions: access.loadExtensions,
    setupStatements: access.setupStatements,
    parquetMetadataCache: config.query.parquet_metadata_cache,
    externalFileCache: config.query.external_file_cache,
  })
  const secrets = [config.storage.s3.access_key_id, config.storage.s3.secret_access_key, config.auth.token]
  // Host paths never leave in an error or a result (ADR-007): the data folders, the spill folder
  // and the daemon user's home (DuckDB's secret and extension folders live there).
  const paths = pathRedactor([spillDir, cacheDir, config.paths.data_dir, homedir()])
  const redact = (message: string) => paths(redactCreds(message, secrets))
  const views = new ViewSet({
    instance,
    catalog: deps.catalog,
    commits: deps.commits ?? deps.objects,
    files: access.files,
    log: deps.log,
  })
  const engine = new QueryEngine({
    instance,
    views,
    redact,
    redactValue: paths,
    ...(deps.onRunEnded ? { onRunEnded: deps.onRunEnded } : {}),
    ...(deps.onPhases ? { onPhases: deps.onPhases } : {}),
    limits: {
      defaultTimeoutMs: config.query.default_timeout_ms,
      maxTimeoutMs: config.query.max_timeout_ms,
      defaultMaxRows: config.query.default_max_rows,
      maxRowsCap: config.query.max_rows_cap,
      maxSqlBytes: config.query.max_sql_bytes,
      maxResultBytes: config.query.max_result_bytes,
      // As many chunks in the making as DuckDB has threads to make them (ADR-007).
      concurrentChunks: config.query.threads,
      guardCacheBytes: config.query.guard_cache_bytes,
      poolConnections: config.query.pool_connections,
      poolStatements: config.query.pool_statements,
    },
  })
  const internal = async <T>(read: (connection: DuckDBConnection) => Promise<T>): Promise<T> => {
    const connection = await instance.connect()
    try {
      return await read(connection)
    } finally {
      connection.closeSync()
    }
  }
  // The tables route lists every view, so it needs every view (ADR-021): one catalog listing.
  const tables = async () => {
    await views.refreshAll()
    return internal(listTables)
  }
  const duckdbMemory = () =>
    internal(async (connection) => {
      const reader = await connection.runAndReadAll('SELECT tag, memory_usage_bytes FROM duckdb_memory()')
      return reader.getRows().map(([tag, bytes]) => ({ tag: String(tag), bytes: Number(bytes) }))
    })
  return {
    engine,
    views,
    cache: access.cache,
    tables,
    duckdbMemory,
    close: () => {
      engine.pool.close()
      instance.closeSync()
    },
  }
}
