// @lakehouse/playbook: playbook memory (DESIGN §9, ADR-015) over the pathway memory log (ADR-004).
export * from './playbook-fold.ts'
export * from './playbook-index.ts'
export * from './playbooks.ts'
