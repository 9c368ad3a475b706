// Quoting for the few values ingestd places in DuckDB SQL: its own temp paths, the CSV options a
// caller chose, and column names read from uploaded files. Nothing from a request reaches SQL unquoted.

export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('a SQL literal cannot hold a NUL character')
  return `'${value.replaceAll("'", "''")}'`
}

export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new Error('a SQL identifier cannot hold a NUL character')
  return `"${name.replaceAll('"', '""')}"`
}
