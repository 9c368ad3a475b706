import { DuckDBInstance } from '@duckdb/node-api'
import { quoteLiteral } from '@lakehouse/shared'

// The DuckDB instance that runs user SQL, configured once before any user statement (ADR-007):
// extensions never autoload or autoinstall; memory and threads are bounded; external access is off
// except the allowed folders (the Parquet cache), and then the configuration is locked, so no later
// SET, RESET or PRAGMA can undo it. Order matters and was verified on @duckdb/node-api 1.5.6:
// `allowed_directories` cannot be an instance option, it must be SET before external access goes off.
// These settings do NOT stop COPY/ATTACH into an allowed folder nor multi-statement strings: the
// statement guard does.

export interface SandboxOptions {
  /** Folders DuckDB may read (absolute, each ending with '/'). */
  allowedDirectories: string[]
  memoryLimit: string
  threads: number
  /** Where DuckDB spills when a query exceeds memory; outside the allowed folders. */
  spillDirectory: string
  /** Installed extensions to load before the lock (httpfs mode); never installed from the network. */
  loadExtensions?: string[]
  /** Statements to run before the lock (an S3 secret in httpfs mode). */
  setupStatements?: string[]
  /** Keep Parquet footers in memory between queries (query.parquet_metadata_cache, ADR-021). */
  parquetMetadataCache?: boolean
  /** DuckDB's in-memory copy of file bytes read (query.external_file_cache, ADR-021). */
  externalFileCache?: boolean
}

export async function isExtensionInstalled(name: string): Promise<boolean> {
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  })
  const connection = await instance.connect()
  try {
    const reader = await connection.runAndReadAll(
      `SELECT installed FROM duckdb_extensions() WHERE extension_name = ${quoteLiteral(name)}`,
    )
    return reader.getRows()[0]?.[0] === true
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

export async function openSandbox(options: SandboxOptions): Promise<DuckDBInstance> {
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    allow_community_extensions: 'false',
    allow_unsigned_extensions: 'false',
    memory_limit: options.memoryLimit,
    threads: String(options.threads),
    temp_directory: options.spillDirectory,
  })
  const connection = await instance.connect()
  try {
    for (const name of options.loadExtensions ?? []) await connection.run(`LOAD ${name}`)
    for (const statement of options.setupStatements ?? []) await connection.run(statement)
    // Settings of the Parquet reader, not instance options: SET before the lock.
    await connection.run(`SET parquet_metadata_cache = ${options.parquetMetadataCache === true}`)
    await connection.run(`SET enable_external_file_cache = ${options.externalFileCache !== false}`)
    const folders = options.allowedDirectories.map((dir) => quoteLiteral(dir)).join(', ')
    await connection.run(`SET allowed_directories = [${folders}]`)
    await connection.run('SET enable_external_access = false')
    await connection.run('SET lock_configuration = true')
  } finally {
    connection.closeSync()
  }
  return instance
}
