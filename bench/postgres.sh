#!/usr/bin/env bash
# The archive in PostgreSQL against the archive in a folder, in the same run: a synthetic
# month of N transactions (default 100000) issued into each, documents per second and the
# `issue` process's peak memory; then `verify` of each.
#
#   bench/postgres.sh [N]        FORMATS=pdf,html,json,ubl,cii bench/postgres.sh
#
# The server is a throwaway cluster on this machine (initdb into target/bench-pg, a Unix
# socket under /tmp, no TCP) with PostgreSQL's durable defaults (fsync, synchronous commit,
# full-page writes): what a real deployment pays. As root, the server runs as the `postgres`
# user. Needs Debian's postgresql (15+), /usr/bin/time and bc.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
n=${1:-100000}
formats=${FORMATS:-pdf,html,json}

cargo build --release --locked --quiet
bin="$root/target/release/invoicesmith"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d)
socket=$(mktemp -d /tmp/is-bench-pg.XXXXXX)
data="$root/target/bench-pg"
as_server=()
if [ "$(id -u)" -eq 0 ]; then
    as_server=(runuser -u postgres --)
    chown postgres "$socket"
fi
stop() {
    "${as_server[@]}" "$pgbin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$work" "$socket" "$data"
    sync
}
trap stop EXIT
rm -rf "$data"
mkdir -p "$data"
[ "$(id -u)" -eq 0 ] && chown postgres "$data"
"${as_server[@]}" "$pgbin/initdb" -D "$data" -U admin --auth=trust -E UTF8 --locale=C >/dev/null
"${as_server[@]}" "$pgbin/pg_ctl" -D "$data" -o "-k $socket -c listen_addresses=''" -l "$data/server.log" -w start >/dev/null
"$pgbin/psql" -q -h "$socket" -U admin -d postgres -c "CREATE ROLE app LOGIN" -c "CREATE DATABASE bench OWNER app"
url="postgresql://app@/bench?host=$socket"

"$bin" sample --transactions "$n" --seed 42 --out "$work/data" >/dev/null
echo "$n transactions, formats $formats, $(nproc) cores, $("$pgbin/postgres" --version)"
printf '%-10s %10s %10s %12s %10s %10s %10s\n' archive documents issue_s docs_per_s cpu_s peak_MB verify_s
sync
for archive in "$work/archive" "$url"; do
    if ! /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$bin" issue "$work/data" --archive "$archive" --init --formats "$formats" --quiet > "$work/issued" 2> "$work/warnings"; then
        grep -v '^warning: ' "$work/warnings" >&2
        exit 1
    fi
    read -r issue_s issue_kb user sys < "$work/time"
    docs=$(head -1 "$work/issued" | cut -d' ' -f2)
    /usr/bin/time -f '%e' -o "$work/time-verify" "$bin" verify --archive "$archive" >/dev/null || { echo "verify failed: $archive" >&2; exit 1; }
    label=folder
    [[ "$archive" == postgresql://* ]] && label=postgresql
    printf '%-10s %10s %10s %12.0f %10.1f %10.0f %10s\n' "$label" "$docs" "$issue_s" "$(echo "$docs / $issue_s" | bc -l)" \
        "$(echo "$user + $sys" | bc -l)" "$(echo "$issue_kb / 1024" | bc -l)" "$(cat "$work/time-verify")"
done
echo "database size: $("$pgbin/psql" -qtA -h "$socket" -U admin -d bench -c "SELECT pg_size_pretty(pg_database_size('bench'))"); folder: $(du -sh "$work/archive" | cut -f1)"
