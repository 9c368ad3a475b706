import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// REPLICATION.md cannot drift from the code: every command of its ```sh blocks names a recipe of
// the justfile (through ./lh or just), a file of this checkout, or a program on this Debian box.
const ROOT = resolve(import.meta.dirname, '../..')

function commandBlocks(markdown: string): string[][] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => (m[1] as string).split('\n'))
}

/** Each simple command of a block: comments, heredoc bodies and variable assignments dropped. */
function commandsOf(lines: string[]): string[][] {
  const commands: string[][] = []
  let heredoc: string | undefined
  for (const raw of lines) {
    if (heredoc !== undefined) {
      if (raw.trim() === heredoc) heredoc = undefined
      continue
    }
    heredoc = raw.match(/<<-?\s*'?(\w+)'?/)?.[1]
    const line = raw.replace(/(^|\s)#.*$/, '').trim()
    for (const part of line.split(/&&|\|\||;|\|/)) {
      const words = part.trim().split(/\s+/).filter(Boolean)
      while (words[0] && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) words.shift()
      if (words.length > 0) commands.push(words)
    }
  }
  return commands
}

function recipes(): Set<string> {
  const justfile = readFileSync(resolve(ROOT, 'justfile'), 'utf8')
  return new Set([...justfile.matchAll(/^([a-z][a-z0-9-]*)(?:\s[^:]*)?:/gm)].map((m) => m[1] as string))
}

function exists(program: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${program}`]).status === 0
}

describe('REPLICATION.md', () => {
  const doc = readFileSync(resolve(ROOT, 'REPLICATION.md'), 'utf8')
  const commands = commandBlocks(doc).flatMap(commandsOf)

  it('has command blocks for the systemd path and the ./lh up path', () => {
    const lh = commands.filter((c) => c[0] === './lh').map((c) => c[1])
    expect(lh).toEqual(
      expect.arrayContaining(['doctor', 'install-systemd', 'smoke-replication', 'uninstall-systemd', 'up', 'down']),
    )
  })

  it('names only recipes that exist, files of this checkout, and programs of this box', () => {
    const known = recipes()
    const wrong: string[] = []
    for (const [program, first] of commands) {
      if (program === undefined) continue
      if (program === './lh' || program === 'just') {
        if (!first || !known.has(first)) wrong.push(`${program} ${first}: no such recipe`)
      } else if (program.startsWith('./') || program.startsWith('scripts/')) {
        if (!existsSync(resolve(ROOT, program))) wrong.push(`${program}: no such file`)
      } else if (!exists(program)) {
        wrong.push(`${program}: not a program on this machine`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('catches a recipe that does not exist', () => {
    const [command] = commandsOf(['./lh no-such-recipe --flag  # comment'])
    expect(command).toEqual(['./lh', 'no-such-recipe', '--flag'])
    expect(recipes().has('no-such-recipe')).toBe(false)
  })
})
