import { readFileSync } from 'node:fs'

// A child process's memory as Linux reports it in /proc/<pid>/status: VmRSS (now) or VmHWM (peak).
// Tests that read it skip off Linux.

export function procMemoryBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm'))
  if (!line) throw new Error(`no ${field} for pid ${pid}`)
  return Number(line[1]) * 1024
}
