import { InternalError, LakehouseError, OutOfMemory, SqlError } from '@lakehouse/shared'

// Which failures are the caller's (issue 10 item 2). DuckDB names the kind of every error it raises
// ("Binder Error: …"); only the kinds a caller causes with their SQL or parameters are 400
// `sql_error`, carrying DuckDB's text (what the caller needs to fix the query) but never a local
// path of this host or a credential: every message passes through a Redactor first. Running out of
// memory is 503 `out_of_memory`; I/O on the cache, DuckDB's internal errors and anything that is not
// a DuckDB error at all (a bug) are 500 `internal_error` whose message says nothing of the host.

export type Redactor = (message: string) => string

export const noRedaction: Redactor = (message) => message

/** Replaces each given local folder (the cache dir, the data dir) with a neutral placeholder. */
export function pathRedactor(folders: readonly string[]): Redactor {
  // Longest first, so that a folder inside another is replaced whole; never "" or "/" (a home of /).
  const sorted = [...new Set(folders.map((folder) => folder.replace(/\/+$/, '')))]
    .filter((folder) => folder.length > 1)
    .sort((a, b) => b.length - a.length)
  return (message) =>
    sorted.reduce((text, folder) => (text.includes(folder) ? text.replaceAll(folder, '<data>') : text), message)
}

/** DuckDB's exception kinds (ExceptionTypeToString) that a statement or its parameters cause. */
const CALLER_KINDS = new Set(
  [
    'Parser',
    'Syntax',
    'Binder',
    'Catalog',
    'Conversion',
    'Invalid',
    'Invalid Input',
    'Invalid type',
    'Unknown Type',
    'Mismatch Type',
    'Out of Range',
    'Decimal',
    'Divide by Zero',
    'Object Size',
    'Not implemented',
    'Expression',
    'Constraint',
    'Permission',
    'Parameter Not Resolved',
    'Parameter Not Allowed',
    'Missing Extension',
    'Dependency',
    'Sequence',
    'Settings',
    'Invalid Configuration',
    'INTERRUPT',
  ].map((kind) => kind.toLowerCase()),
)

// node-api prefixes some messages with what it was doing ("Failed to extract statements: Parser Error: …").
const DUCKDB_KIND = /^(?:Failed to [a-z ]+: )?([A-Za-z][A-Za-z -]*?) Error: /

/** The kind DuckDB gave an error ("Binder"), or undefined when it is not a DuckDB error. */
export function duckdbErrorKind(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined
  return DUCKDB_KIND.exec(err.message)?.[1]
}

export function toQueryError(err: unknown, redact: Redactor = noRedaction): LakehouseError {
  if (err instanceof LakehouseError) return err
  const kind = duckdbErrorKind(err)?.toLowerCase()
  const message = redact((err instanceof Error ? err.message : String(err)).trim())
  if (kind !== undefined && CALLER_KINDS.has(kind)) return new SqlError(message)
  if (kind === 'out of memory') {
    return new OutOfMemory('the query needed more memory than query.memory_limit allows; narrow it or try later', {
      cause: new Error(message),
    })
  }
  const what = kind === 'io' ? 'queryd could not read its data files' : 'internal error'
  return new InternalError(what, { cause: new Error(message) })
}

export function isInterrupt(err: unknown): boolean {
  return err instanceof Error && /^INTERRUPT Error/i.test(err.message)
}
