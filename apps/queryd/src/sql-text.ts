// The only two ways queryd puts text into SQL it writes itself (views over Parquet files): an
// identifier is always double-quoted with inner quotes doubled, a literal always single-quoted with
// inner quotes doubled. DuckDB has no backslash escapes in standard strings, so doubling is enough.
// A NUL byte cannot be represented in either and is refused.

function assertNoNul(text: string, what: string): void {
  if (text.includes('\0')) throw new Error(`${what} contains a NUL byte`)
}

export function quoteIdent(name: string): string {
  assertNoNul(name, 'identifier')
  return `"${name.replaceAll('"', '""')}"`
}

export function quoteLiteral(value: string): string {
  assertNoNul(value, 'literal')
  return `'${value.replaceAll("'", "''")}'`
}

// Column types come from manifests (DuckDB type names written by ingestd); they go into a CAST, so
// they are held to the characters type names use, and never contain a quote-breaking or comment
// sequence. STRUCT field names are not allowed here: such a column falls back to VARCHAR.
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_ ]*(\(\d+(\s*,\s*\d+)?\))?(\[\d*\])*$/

export function safeTypeName(type: string): string {
  return TYPE_NAME.test(type) ? type : 'VARCHAR'
}
