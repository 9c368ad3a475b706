// The only two ways a daemon puts text into SQL it writes itself (ingestd's conversions, queryd's
// views): an identifier is always double-quoted with inner quotes doubled, a literal always
// single-quoted with inner quotes doubled. DuckDB has no backslash escapes in standard strings, so
// doubling is enough. A NUL byte cannot be represented in either and is refused.

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
