#!/bin/sh
# gen.sh DIR MODELS PACKAGES RULES SANDBOXES [MODEL_PREFIX]
# Writes DIR/sandbox.yaml and DIR/guide.spec (the same resources for guide.sh).
# Models are MODEL_PREFIX0.. (default bench/m: not in sbxsim's registry, so
# seed_models.py puts them in the store), packages bench/pN:32k from the first
# ones, rules localhost:12434 then hostN.example.com:443, sandboxes boxN with
# one env each.
set -eu
dir=$1 m=$2 p=$3 r=$4 s=$5 prefix=${6:-bench/m}
mkdir -p "$dir/ws"
y="$dir/sandbox.yaml" g="$dir/guide.spec"
{
	echo "version: 1"
	echo "project: bench"
	echo "models:"
	i=0
	while [ $i -lt "$m" ]; do echo "  $prefix$i:"; i=$((i + 1)); done
	if [ "$p" -gt 0 ]; then
		echo "packages:"
		i=0
		while [ $i -lt "$p" ]; do printf '  bench/p%d:32k:\n    from: %s%d\n    context_size: 32768\n' $i "$prefix" $i; i=$((i + 1)); done
	fi
	echo "policy:"
	echo "  allow:"
	echo "    - localhost:12434"
	i=1
	while [ $i -lt "$r" ]; do echo "    - host$i.example.com:443"; i=$((i + 1)); done
	echo "sandboxes:"
	i=0
	while [ $i -lt "$s" ]; do
		printf '  box%d:\n    agent: claude\n    workspace: ws\n    model: %s0\n    env:\n      ANTHROPIC_BASE_URL: http://host.docker.internal:12434\n' $i "$prefix"
		i=$((i + 1))
	done
} >"$y"
{
	i=0
	while [ $i -lt "$m" ]; do echo "model $prefix$i"; i=$((i + 1)); done
	i=0
	while [ $i -lt "$p" ]; do echo "package bench/p$i:32k $prefix$i 32768"; i=$((i + 1)); done
	echo "rule localhost:12434"
	i=1
	while [ $i -lt "$r" ]; do echo "rule host$i.example.com:443"; i=$((i + 1)); done
	i=0
	while [ $i -lt "$s" ]; do
		echo "sandbox box$i claude $dir/ws"
		echo "env box$i ANTHROPIC_BASE_URL http://host.docker.internal:12434"
		i=$((i + 1))
	done
} >"$g"
