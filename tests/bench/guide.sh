#!/bin/bash
# The guide's commands, made idempotent by hand, one resource at a time: check, then act.
# This is what sbxapply replaces; the benchmark compares the two on the same world.
#   guide.sh SPEC RUNNER_URL
# SPEC has one resource a line (tests/bench/gen.sh writes it beside the sandbox.yaml):
#   model REF | package TARGET FROM CONTEXT | rule RESOURCE | sandbox NAME AGENT WORKSPACE | env SANDBOX KEY VALUE
# sbx is the one on PATH. Prints the number of calls it made on stdout.
set -u
spec=$1 R=$2
calls=0
call_sbx() { calls=$((calls + 1)); sbx "$@"; }
call_curl() { calls=$((calls + 1)); curl -sf "$@"; }
while read -r what a b c; do
	case $what in
	model)
		call_curl -o /dev/null "$R/models/$a" ||
			call_curl -o /dev/null -H 'Accept: application/json' "$R/models/create" -d "{\"from\":\"$a\"}" ;;
	package)
		call_curl -o /dev/null "$R/models/$a" ||
			call_curl -o /dev/null "$R/models/$b/repackage" -d "{\"target\":\"$a\",\"context_size\":$c}" ;;
	rule)
		call_sbx policy ls --json | grep -qF -- "\"$a" || call_sbx policy allow network "$a" >/dev/null ;;
	sandbox)
		call_sbx ls --json | tr -d ' \n' | grep -qF "\"name\":\"$a\"" || call_sbx create "$b" --name "$a" "$c" >/dev/null ;;
	env)
		line="export $b=$c"
		call_sbx exec "$a" bash -c 'grep -qxF -- "$1" /etc/sandbox-persistent.sh' guide "$line" ||
			call_sbx exec "$a" bash -c 'echo "$1" >> /etc/sandbox-persistent.sh' guide "$line" ;;
	'' | '#'*) ;;
	*) echo "guide.sh: unknown line '$what'" >&2; exit 2 ;;
	esac
done <"$spec"
echo "$calls"
