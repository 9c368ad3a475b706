# Lakehouse recipes. Run them through ./lh (it installs the toolchain into this folder first),
# e.g. `./lh verify`; `just` works too once node_modules/.bin is on PATH.
set shell := ["bash", "-euo", "pipefail", "-c"]
set positional-arguments := true

# list the recipes
default:
    @just --list --unsorted

# start the whole stack on this machine in the background and print the gateway URL
up:
    scripts/stack.sh up

# stop the stack that `just up` started
down:
    scripts/stack.sh down

# which daemons of `just up` are running
status:
    scripts/stack.sh status

# the pre-push gate: typecheck, lint, tests with coverage, smoke chain; a summary at the end
verify:
    scripts/verify.sh

# all unit and integration tests (vitest)
test *args:
    vitest run "$@"

# tests with coverage, then a per-package coverage table
coverage:
    vitest run --coverage
    node scripts/coverage-table.ts

# TypeScript type check of every package (no emit: Node runs the sources)
typecheck:
    tsc -p tsconfig.json --noEmit

# lint and format check (biome)
lint:
    biome check .

# format and apply safe lint fixes in place
fmt:
    biome check --write .

# the smoke chain alone, on a private stack with the embedded defaults (nothing outside this machine)
smoke-fixtures:
    scripts/smoke/run.sh

# one smoke (e.g. `just smoke storage`) on a private stack with the embedded defaults
smoke name:
    scripts/smoke/run.sh "$1"

# the agent-loop smoke on two fresh stacks: fails unless both runs report identical hashes
smoke-agent-loop-twice:
    scripts/smoke/agent_loop_twice.sh

# the storage route suite against a real MinIO / AWS S3 (LH_TEST_MINIO_ENDPOINT, _ACCESS_KEY, _SECRET_KEY); skips with the reason when nothing listens
smoke-aws-s3:
    @echo "smoke-aws-s3: reads LH_TEST_MINIO_ENDPOINT=${LH_TEST_MINIO_ENDPOINT:-http://127.0.0.1:9000 (default)}, LH_TEST_MINIO_ACCESS_KEY ${LH_TEST_MINIO_ACCESS_KEY:+set}${LH_TEST_MINIO_ACCESS_KEY:-unset (minioadmin)}, LH_TEST_MINIO_SECRET_KEY ${LH_TEST_MINIO_SECRET_KEY:+set}${LH_TEST_MINIO_SECRET_KEY:-unset (minioadmin)}; one new bucket per run"
    vitest run apps/storaged/test/minio.test.ts

# the smoke chain on a private stack with the production profile as configured (S3/MinIO storage, Ollama embeddings); skips in one line when a service does not answer
smoke-real *args:
    scripts/smoke-real.sh "$@"

# check this host for what the lakehouse needs (--json for structured output)
doctor *args:
    scripts/doctor.sh "$@"

# install the systemd units (user lakehouse, /etc/lakehouse, /var/lib/lakehouse, lakehouse.target); DESTDIR=<dir> or --prefix <dir> for a dry run into a folder
install-systemd *args:
    scripts/systemd.sh install "$@"

# remove the systemd units; configuration still as installed and empty folders go too, data stays unless --purge
uninstall-systemd *args:
    scripts/systemd.sh uninstall "$@"

# health of all eight through the gateway, embed, ingest + query, vectors, memory, agent loop; a table (--env-file FILE: the systemd install's configuration)
smoke-replication *args:
    node scripts/smoke-replication.ts "$@"

# systemd-analyze verify over every unit in deploy/systemd (a step of `just verify`)
verify-units:
    scripts/verify-units.sh

# install a pre-push git hook that runs `./lh verify`
install-hooks:
    git config core.hooksPath .githooks
    @echo "pre-push hook installed: every push runs ./lh verify"

# vectord at scale (not in the default gate): 200K x 768 through HTTP, a snapshot above the object cap, kill -9, restart
smoke-vector-scale:
    node bench/vector/scale.ts

# benchmarks against the raw engines (LH_BENCH_QUICK=1 for a short run); results in bench/results/
bench *names:
    scripts/bench.sh "$@"

# issue 18's mixed load (8 clients through the gateway of a private stack) for N minutes (default 30, --quick = 3): latency per minute, RSS per daemon, catalog growth, an exact end check; results in bench/results/soak.json
soak *args:
    node bench/soak/main.ts "$@"
