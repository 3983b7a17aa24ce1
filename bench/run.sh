#!/usr/bin/env bash
# Scale benchmark: issue and export a synthetic month of N transactions, then render the peer
# harness's invoices with ReportLab for comparison. Prints documents per second, bytes
# written and peak memory.
#
#   bench/run.sh [N...]            default: 10000 100000
#   THREADS=1 bench/run.sh 10000   limit rendering threads (RAYON_NUM_THREADS)
#   PIN=1 bench/run.sh 10000       one core for everything: issue, export and the peer all run
#                                  under `taskset -c 0` with one rendering thread, so documents
#                                  per CPU second compare without two cores' contention
#   FORMATS=pdf,html,json bench/run.sh   formats issued (default: `issue`'s default formats,
#                                  pdf, html, json, ubl and cii)
#
# cpu_s is user + system time of `issue`; docs_per_cpu_s is documents per second of one core;
# export_cpu_s is user + system time of `export`. The peer line gives ReportLab's PDFs per CPU
# second (one process, user + system time) and the ratio of our documents per CPU second to it,
# one ratio per size. Two sizes here are two runs in different
# machine states; for whether cost grows linearly with N, bench/linearity.sh is the control.
#
# On ext4 without a journal (this machine), creating a file skips every inode of its group
# that was deleted in the last 60 s (360 s while the inode table is not yet written back),
# one by one: right after deleting an earlier run's archive, creating files costs several
# times more system time (seen: `recently_deleted` at 45% of all samples in `perf`). The
# script syncs before it starts and after it deletes its files; wait six minutes after it (or
# any large deletion on the same file system) before the next run.
#
# Needs /usr/bin/time (Debian package `time`). The peer comparison needs ../shared/bench and
# Python 3; its virtual environment is created under target/ on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
sizes=("${@:-10000 100000}")
[ $# -eq 0 ] && sizes=(10000 100000)

cargo build --release --quiet
bin="$root/target/release/invoicesmith"
work=$(mktemp -d)
trap 'rm -rf "$work"; sync' EXIT
sync
[ -n "${THREADS:-}" ] && export RAYON_NUM_THREADS="$THREADS"
pin=()
if [ -n "${PIN:-}" ]; then
    pin=(taskset -c 0)
    export RAYON_NUM_THREADS=1
fi
formats=${FORMATS:-pdf,html,json,ubl,cii}
echo "formats: $formats; $(nproc) cores${PIN:+; pinned to core 0, one rendering thread}"
ratios=()

printf '%-10s %10s %10s %12s %10s %12s %10s %10s %10s %14s %14s %10s\n' N documents issue_s docs_per_s cpu_s docs_per_cpu_s MB_written peak_MB export_s export_cpu_s export_peak_MB avg_pdf_KB
for n in "${sizes[@]}"; do
    data="$work/data-$n"; archive="$work/archive-$n"; out="$work/export-$n"
    "$bin" sample --transactions "$n" --seed 42 --out "$data" >/dev/null
    /usr/bin/time -f '%e %M %U %S' -o "$work/time-issue" "${pin[@]}" "$bin" issue "$data" --archive "$archive" --init --formats "$formats" --quiet >/dev/null 2>&1
    read -r issue_s issue_kb issue_user issue_sys < "$work/time-issue"
    issue_cpu=$(echo "$issue_user + $issue_sys" | bc -l)
    docs=$(wc -l < "$archive/register.jsonl")
    bytes=$(du -sb "$archive" | cut -f1)
    pdf_bytes=$(find "$archive" -name '*.pdf' -printf '%s\n' | awk '{s+=$1; n++} END {printf "%.1f", s/n/1024}')
    export_s="-"; export_cpu="-"; export_kb=0
    if "$bin" export --help >/dev/null 2>&1; then
        sync
        /usr/bin/time -f '%e %M %U %S' -o "$work/time-export" "${pin[@]}" "$bin" export --month 2026-10 --archive "$archive" --data "$data" --out "$out" >/dev/null 2>&1 || true
        read -r export_s export_kb export_user export_sys < "$work/time-export"
        export_cpu=$(echo "$export_user + $export_sys" | bc -l)
    fi
    printf '%-10s %10s %10s %12.0f %10.1f %12.0f %12.1f %10.0f %10s %14s %14.0f %10s\n' "$n" "$docs" "$issue_s" \
        "$(echo "$docs / $issue_s" | bc -l)" "$issue_cpu" "$(echo "$docs / $issue_cpu" | bc -l)" \
        "$(echo "$bytes / 1048576" | bc -l)" "$(echo "$issue_kb / 1024" | bc -l)" "$export_s" "$export_cpu" \
        "$(echo "$export_kb / 1024" | bc -l)" "$pdf_bytes"
    ratios+=("$n $(echo "$docs / $issue_cpu" | bc -l)")
done

# Peer: ReportLab rendering the harness's one-page invoices (PDF only), one process.
peer="$root/../shared/bench"
if [ -d "$peer" ] && command -v python3 >/dev/null; then
    venv="$root/target/bench-venv"
    [ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q reportlab==5.1.0; }
    [ -f "$work/invoices-2000.json" ] || python3 "$peer/gen_invoices.py" 2000 "$work/invoices-2000.json" >/dev/null
    line=$(cd "$peer" && /usr/bin/time -f '%U %S' -o "$work/time-peer" "${pin[@]}" "$venv/bin/python" peer_reportlab.py "$work/invoices-2000.json" "$work/reportlab" 2>&1 | tail -1)
    read -r peer_user peer_sys < "$work/time-peer"
    peer_per_cpu=$(echo "2000 / ($peer_user + $peer_sys)" | bc -l)
    printf 'ReportLab (peer, PDF only, 1 process): %s; %.1f PDFs per CPU second (process total, start-up included)\n' "$line" "$peer_per_cpu"
    for r in "${ratios[@]}"; do
        read -r n ours <<< "$r"
        printf '  N=%s: %.1f x ReportLab per CPU second\n' "$n" "$(echo "$ours / $peer_per_cpu" | bc -l)"
    done
fi
