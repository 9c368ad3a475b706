type Table = Record<string, unknown>

const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Deep merge of configuration layers: tables merge key by key, anything else (arrays too) replaces. */
export function mergeLayers(base: Table, over: Table): Table {
  const out: Table = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key]
    out[key] = isTable(prev) && isTable(value) ? mergeLayers(prev, value) : value
  }
  return out
}
