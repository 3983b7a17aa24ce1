#!/usr/bin/env bash
# Linearity control: is a large month's cost per document the cost of small months?
#
#   bench/linearity.sh [N] [K]     default: 10000 10
#
# Issues and exports K months of N transactions one after another, then one month of N×K,
# then K months of N again, and prints the CPU time (user and system, `/usr/bin/time`) per
# document of each group. A cost that grows with N shows as the large month costing more
# per document than the small months on both sides of it.
#
# Why a control rather than comparing one N against one N×K (as bench/run.sh does): the
# kernel's cost per file created grows with how many files the machine holds in its caches
# (hash tables sized at boot, page cache, slabs), which every run adds to, and a short run's
# disk writes happen after it exits while a long run's start within it. The small months
# before the large one run in an emptier machine, those after it in a fuller one; the
# "cached inodes" column (/proc/sys/fs/inode-nr at a group's first step) shows which.
#
# Memory: first the page cache is filled with clean pages (a sparse file as large as the
# machine's memory, read once: no disk blocks, about 20 s), so every group writes into a
# full cache, as on a machine that has been up for a while. On this VM, pages the guest has
# not used for a while were handed back to the host (virtio balloon, free page reporting);
# the first write into each costs a fault in the host, so whichever group happens to write
# into free memory looks slower. PREFILL=0 skips this.
#
# Disk: about 0.9 GB per 10,000 transactions, three times over; all deleted at the end. As
# with bench/run.sh, wait six minutes after a large deletion on the same file system before
# measuring.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}; k=${2:-10}; big=$((n * k))
formats=${FORMATS:-pdf,html,json}

cargo build --release --quiet
bin="$(pwd)/target/release/invoicesmith"
work=$(mktemp -d)
trap 'rm -rf "$work"; sync' EXIT

# Runs a command under /usr/bin/time; appends "group step documents user sys wall inodes"
# to $work/steps, the documents counted in REGISTER (the archive's) afterwards.
step() {
    local name=$1 register=$2; shift 2
    sync
    local inodes; inodes=$(cut -f1 /proc/sys/fs/inode-nr)
    /usr/bin/time -f '%U %S %e' -o "$work/time" "$@" >/dev/null 2>&1
    read -r user sys wall < "$work/time"
    echo "$name $(wc -l < "$register") $user $sys $wall $inodes" >> "$work/steps"
}

if [ "${PREFILL:-1}" != 0 ]; then
    memory=$(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) * 1024))
    truncate -s "$memory" "$work/prefill"
    cat "$work/prefill" > /dev/null
fi
"$bin" sample --transactions "$n" --seed 42 --out "$work/data-small" >/dev/null
"$bin" sample --transactions "$big" --seed 42 --out "$work/data-big" >/dev/null
# One month: issue DATA into a new archive NAME and export it; GROUP labels the rows.
month() {
    local group=$1 data=$2 archive="$work/archive-$3"
    step "$group issue" "$archive/register.jsonl" "$bin" issue "$data" --archive "$archive" --init --formats "$formats" --quiet
    step "$group export" "$archive/register.jsonl" "$bin" export --month 2026-10 --archive "$archive" --data "$data" --out "$work/export-$3"
}
for i in $(seq 1 "$k"); do month before "$work/data-small" "before-$i"; done
month large "$work/data-big" large
for i in $(seq 1 "$k"); do month after "$work/data-small" "after-$i"; done

echo "formats: $formats; $(nproc) cores; $k months of $n transactions, one of $big, $k of $n"
awk '
    { key = $1 " " $2
      docs[key] += $3; user[key] += $4; sys[key] += $5; wall[key] += $6
      if (!(key in first)) first[key] = $7 }
    function per(key, what) { return (what == "user" ? user[key] : what == "system" ? sys[key] : user[key] + sys[key]) / docs[key] }
    END {
        printf "%-7s %-6s %10s %9s %9s %9s %14s %14s\n", "months", "step", "documents", "user_s", "system_s", "wall_s", "cpu_us_per_doc", "cached_inodes"
        split("before issue,large issue,after issue,before export,large export,after export", keys, ",")
        for (i = 1; i <= 6; i++) { key = keys[i]; split(key, p, " ")
            printf "%-7s %-6s %10d %9.2f %9.2f %9.2f %14.1f %14d\n", p[1], p[2], docs[key], user[key], sys[key], wall[key], 1e6 * per(key, "cpu"), first[key] }
        print "CPU per document of the large month over the small months before it / after it:"
        split("issue,export", steps, ",")
        for (s = 1; s <= 2; s++) { step = steps[s]
            printf "  %-6s  CPU %.2f / %.2f   user %.2f / %.2f   system %.2f / %.2f\n", step,
                per("large " step, "cpu") / per("before " step, "cpu"), per("large " step, "cpu") / per("after " step, "cpu"),
                per("large " step, "user") / per("before " step, "user"), per("large " step, "user") / per("after " step, "user"),
                per("large " step, "system") / per("before " step, "system"), per("large " step, "system") / per("after " step, "system") }
    }' "$work/steps"
