// Whether a string is a DuckDB logical type name, as DESCRIBE prints them: a name of
// the allow-list, DECIMAL(p,s), ENUM('a', …), the nested STRUCT(f T, …), UNION(f T, …), MAP(K, V),
// and lists `T[]` / arrays `T[n]` of any of these. Parsed, not pattern-matched, so that what the
// catalog stores is a type and never a fragment of SQL: `VARCHAR); DROP TABLE x; --` is refused.

const SIMPLE = new Set([
  'BOOLEAN',
  'TINYINT',
  'SMALLINT',
  'INTEGER',
  'BIGINT',
  'HUGEINT',
  'UTINYINT',
  'USMALLINT',
  'UINTEGER',
  'UBIGINT',
  'UHUGEINT',
  'FLOAT',
  'DOUBLE',
  'DECIMAL',
  'VARCHAR',
  'BLOB',
  'BIT',
  'DATE',
  'TIME',
  'TIME_NS',
  'TIME WITH TIME ZONE',
  'TIMESTAMP',
  'TIMESTAMP_S',
  'TIMESTAMP_MS',
  'TIMESTAMP_NS',
  'TIMESTAMP WITH TIME ZONE',
  'INTERVAL',
  'UUID',
  'JSON',
  'VARINT',
  'BIGNUM',
  'GEOMETRY',
  'VARIANT',
  'NULL',
])

const MAX_TYPE_LENGTH = 4096
const MAX_DEPTH = 32

class Cursor {
  pos = 0
  readonly text: string
  constructor(text: string) {
    this.text = text
  }
  skipSpace(): void {
    while (this.text[this.pos] === ' ') this.pos++
  }
  eat(literal: string): boolean {
    this.skipSpace()
    if (!this.text.startsWith(literal, this.pos)) return false
    this.pos += literal.length
    return true
  }
  expect(literal: string): void {
    if (!this.eat(literal)) throw new Error(`expected ${literal}`)
  }
  /** A bare word: letters, digits and underscores, starting with a letter or underscore. */
  word(): string | undefined {
    this.skipSpace()
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos))
    if (!match) return undefined
    this.pos += match[0].length
    return match[0]
  }
  integer(): number {
    this.skipSpace()
    const match = /^\d{1,4}/.exec(this.text.slice(this.pos))
    if (!match) throw new Error('expected a number')
    this.pos += match[0].length
    return Number(match[0])
  }
  /** A quoted identifier ("a ""b""") or string literal ('x''y'): the quote doubled inside. */
  quoted(quote: '"' | "'"): boolean {
    this.skipSpace()
    if (this.text[this.pos] !== quote) return false
    for (let i = this.pos + 1; i < this.text.length; i++) {
      if (this.text[i] !== quote) continue
      if (this.text[i + 1] === quote) {
        i++
        continue
      }
      this.pos = i + 1
      return true
    }
    throw new Error('unterminated quote')
  }
}

/** The longest run of words that names a simple type (TIMESTAMP WITH TIME ZONE before TIMESTAMP). */
function simpleName(c: Cursor, first: string): string {
  let name = first.toUpperCase()
  for (;;) {
    const mark = c.pos
    const next = c.word()
    if (next === undefined) return name
    const longer = `${name} ${next.toUpperCase()}`
    if (![...SIMPLE].some((s) => s === longer || s.startsWith(`${longer} `))) {
      c.pos = mark
      return name
    }
    name = longer
  }
}

function fields(c: Cursor, depth: number): void {
  do {
    if (!c.quoted('"') && c.word() === undefined) throw new Error('expected a field name')
    type(c, depth + 1)
  } while (c.eat(','))
  c.expect(')')
}

function base(c: Cursor, depth: number): void {
  const first = c.word()
  if (first === undefined) throw new Error('expected a type name')
  const upper = first.toUpperCase()
  if ((upper === 'STRUCT' || upper === 'UNION') && c.eat('(')) {
    fields(c, depth)
  } else if (upper === 'MAP' && c.eat('(')) {
    type(c, depth + 1)
    c.expect(',')
    type(c, depth + 1)
    c.expect(')')
  } else if (upper === 'ENUM' && c.eat('(')) {
    do {
      if (!c.quoted("'")) throw new Error('expected a string')
    } while (c.eat(','))
    c.expect(')')
  } else {
    simple(c, first)
  }
}

function simple(c: Cursor, first: string): void {
  const name = simpleName(c, first)
  if (!SIMPLE.has(name)) throw new Error(`${name} is not a DuckDB type`)
  if (name === 'DECIMAL' && c.eat('(')) {
    const width = c.integer()
    const scale = c.eat(',') ? c.integer() : 0
    c.expect(')')
    if (width < 1 || width > 38 || scale > width) throw new Error('DECIMAL(width, scale) out of range')
  }
}

function type(c: Cursor, depth: number): void {
  if (depth > MAX_DEPTH) throw new Error('nested too deep')
  base(c, depth)
  while (c.eat('[')) {
    c.skipSpace()
    if (/\d/.test(c.text[c.pos] ?? '')) c.integer()
    c.expect(']')
  }
}

/** Why `text` is not a DuckDB type name, or undefined when it is one. */
export function duckDbTypeProblem(text: string): string | undefined {
  if (text.length === 0 || text.length > MAX_TYPE_LENGTH) return `must be 1..${MAX_TYPE_LENGTH} characters`
  if (text.trim() !== text) return 'leading or trailing space'
  const c = new Cursor(text)
  try {
    type(c, 0)
    c.skipSpace()
    if (c.pos !== text.length) return `unexpected ${JSON.stringify(text.slice(c.pos, c.pos + 20))}`
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

export function isDuckDbType(text: string): boolean {
  return duckDbTypeProblem(text) === undefined
}
