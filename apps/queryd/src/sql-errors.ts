import { LakehouseError, SqlError } from '@lakehouse/shared'

// DuckDB's own error text is what a caller needs to fix a query, so sql_error carries it, but never
// a local path of this host or a credential: every message passes through a Redactor first.

export type Redactor = (message: string) => string

export const noRedaction: Redactor = (message) => message

/** Replaces each given local folder (the cache dir, the data dir) with a neutral placeholder. */
export function pathRedactor(folders: readonly string[]): Redactor {
  const sorted = [...folders].filter(Boolean).sort((a, b) => b.length - a.length)
  return (message) => sorted.reduce((text, folder) => text.replaceAll(folder.replace(/\/+$/, ''), '<data>'), message)
}

export function toSqlError(err: unknown, redact: Redactor = noRedaction): LakehouseError {
  if (err instanceof LakehouseError) return err
  const message = err instanceof Error ? err.message : String(err)
  return new SqlError(redact(message.trim()))
}

export function isInterrupt(err: unknown): boolean {
  return err instanceof Error && /^INTERRUPT Error/i.test(err.message)
}
