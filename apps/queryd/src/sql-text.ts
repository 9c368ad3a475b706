// Quoting itself lives in packages/shared/src/sql-quote.ts (quoteIdent, quoteLiteral).

// Column types come from manifests (DuckDB type names written by ingestd); they go into a CAST, so
// they are held to the characters type names use, and never contain a quote-breaking or comment
// sequence. STRUCT field names are not allowed here: such a column falls back to VARCHAR.
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_ ]*(\(\d+(\s*,\s*\d+)?\))?(\[\d*\])*$/

export function safeTypeName(type: string): string {
  return TYPE_NAME.test(type) ? type : 'VARCHAR'
}
