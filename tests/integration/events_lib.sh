#!/bin/bash
# events_lib.sh: what the event tests share, sourced after lib.sh with
# hale_tmpdir done: the webhook receiver (hook_recv.py) and small probes
# of haled's /metrics and Docker's health.
#
# Variables set: HOOK_PORT (the receiver), HANG_PORT (a port that accepts
# and never answers), HOOKS (the bodies received, one JSON record a line),
# H (the receiver's base URL).

# hale_hook_receiver: starts the receiver, stopped when the test ends.
# shellcheck disable=SC2034 # the variables are the sourcing script's
hale_hook_receiver() {
	HOOK_PORT=$(hale_free_port)
	HANG_PORT=$(hale_free_port)
	HOOKS=$HALE_TMP/hooks.jsonl
	python3 "$(dirname "${BASH_SOURCE[0]}")/hook_recv.py" "$HOOK_PORT" "$HOOKS" "$HANG_PORT" &
	HOOK_PID=$!
	hale_on_exit kill "$HOOK_PID"
	wait_until 5 hale_tcp_open 127.0.0.1 "$HOOK_PORT" || fail "webhook receiver did not start"
	H=http://127.0.0.1:$HOOK_PORT
}

# metric PREFIX: the value of the first /metrics line starting with PREFIX.
metric() {
	local body
	body=$(curl -sf "$HALE_URL/metrics")
	awk -v p="$1" 'index($0, p) == 1 { print $NF; exit }' <<<"$body"
}
metric_ge() {	# metric_ge PREFIX N
	local v
	v=$(metric "$1")
	[ -n "$v" ] && [ "${v%.*}" -ge "$2" ]
}

health_is() {	# health_is NAME STATUS: Docker's health of NAME
	[ "$(docker inspect -f '{{.State.Health.Status}}' "$1")" = "$2" ]
}
