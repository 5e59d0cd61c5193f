#!/bin/bash
# check_layout.sh: the source tree keeps the shape the README's layout section
# describes. Fails (exit 1) naming each file that breaks a rule:
#   - a folder of src/ includes only itself and the folders below it in
#     LAYERS (core is the base, daemon the top);
#   - each .c file that has a header of the same name includes it first;
#   - no source file is longer than MAX_LINES.
set -euo pipefail
cd "$(dirname "$0")/../src"
LAYERS=(core cgroup docker check remedy http daemon)
MAX_LINES=800
bad=0
complain() { printf 'layout: %s\n' "$*" >&2; bad=1; }

rank() {
	local i
	for i in "${!LAYERS[@]}"; do
		[ "${LAYERS[$i]}" = "$1" ] && { echo "$i"; return; }
	done
	echo -1
}

for dir in */; do
	dir=${dir%/}
	r=$(rank "$dir")
	[ "$r" -ge 0 ] || { complain "src/$dir is not a known subsystem folder"; continue; }
	for f in "$dir"/*.[ch]; do
		while read -r inc; do
			to=${inc%%/*}
			[ "$to" = "$inc" ] && { complain "$f includes \"$inc\" without its folder"; continue; }
			tr=$(rank "$to")
			if [ "$tr" -lt 0 ] || [ "$tr" -gt "$r" ]; then
				complain "$f includes \"$inc\": $dir may use only ${LAYERS[*]:0:$((r + 1))}"
			fi
		done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
		n=$(wc -l <"$f")
		[ "$n" -le "$MAX_LINES" ] || complain "$f has $n lines (at most $MAX_LINES)"
	done
	for f in "$dir"/*.c; do
		h=${f%.c}.h
		[ -f "$h" ] || continue
		first=$(sed -n 's/^#include [<"]\([^">]*\)[">].*/\1/p' "$f" | head -1)
		[ "$first" = "$h" ] || complain "$f includes $first before its own header $h"
	done
done
[ "$bad" = 0 ] && echo "layout: src/ follows the layering ${LAYERS[*]}"
exit "$bad"
