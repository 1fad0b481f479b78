#!/usr/bin/env bash
# A three-master Redis Cluster on loopback for tests and development: `start` brings it up (or finds it up)
# and prints its REDIS_URL, `stop` shuts it down and removes its files, `url` prints the URL only.
#
#   scripts/redis-cluster.sh start    # -> redis+cluster://127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003
#   REDIS_URL=$(scripts/redis-cluster.sh url) npx vitest run test/store
#   scripts/redis-cluster.sh stop
#
# REDIS_CLUSTER_PORT (default 7001) is the first node's port; the others follow it, and each node's cluster
# bus is its port + 10000 (Redis Cluster spec). Nothing is persisted: the nodes live in a temporary folder.
set -euo pipefail

BASE=${REDIS_CLUSTER_PORT:-7001}
PORTS=("$BASE" "$((BASE + 1))" "$((BASE + 2))")
DIR="${TMPDIR:-/tmp}/signpost-redis-cluster-$BASE"

url() {
  local IFS=,
  local nodes=("${PORTS[@]/#/127.0.0.1:}")
  echo "redis+cluster://${nodes[*]}"
}

answers() { redis-cli -h 127.0.0.1 -p "$1" PING 2>/dev/null | grep -q PONG; }

cluster_ok() {
  local p
  for p in "${PORTS[@]}"; do
    redis-cli -h 127.0.0.1 -p "$p" CLUSTER INFO 2>/dev/null | grep -q '^cluster_state:ok' || return 1
  done
}

wait_for() {
  local what=$1
  shift
  for _ in $(seq 1 100); do "$@" && return 0; sleep 0.1; done
  echo "redis-cluster: $what within 10 s" >&2
  return 1
}

start() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || {
    echo "redis-cluster: redis-server and redis-cli are needed (apt-get install redis-server)" >&2
    exit 1
  }
  if cluster_ok; then url; return; fi
  mkdir -p "$DIR"
  local p
  for p in "${PORTS[@]}"; do
    if answers "$p"; then
      echo "redis-cluster: port $p answers but is not a node of a working cluster; stop it or set REDIS_CLUSTER_PORT" >&2
      exit 1
    fi
    mkdir -p "$DIR/$p"
    rm -f "$DIR/$p/nodes.conf"
    redis-server --port "$p" --bind 127.0.0.1 --daemonize yes --dir "$DIR/$p" --logfile "$DIR/$p/redis.log" \
      --pidfile "$DIR/$p/redis.pid" --cluster-enabled yes --cluster-config-file nodes.conf \
      --cluster-node-timeout 5000 --save "" --appendonly no --maxmemory-policy noeviction
  done
  for p in "${PORTS[@]}"; do wait_for "node $p did not answer" answers "$p"; done
  redis-cli --cluster create "${PORTS[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes >"$DIR/create.log" 2>&1 || {
    cat "$DIR/create.log" >&2
    exit 1
  }
  wait_for "the cluster did not reach cluster_state:ok" cluster_ok
  url
}

stop() {
  local p
  for p in "${PORTS[@]}"; do
    redis-cli -h 127.0.0.1 -p "$p" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
  done
  for p in "${PORTS[@]}"; do wait_for "node $p did not stop" bash -c "! redis-cli -h 127.0.0.1 -p $p PING >/dev/null 2>&1"; done
  rm -rf "$DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *)
    echo "usage: scripts/redis-cluster.sh start|stop|url  (REDIS_CLUSTER_PORT=$BASE)" >&2
    exit 2
    ;;
esac
