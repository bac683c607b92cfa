# Sourced by bench/profile.sh and bench/kernel_share.sh: the target's command line on a free port,
# and waiting for it to be ready.
#   target_command mock|ceiling   sets $port and the array $cmd (release binaries in
#                                 ${CARGO_TARGET_DIR:-target}); returns 1 for another name
#   wait_ready [tries]            polls GET /readyz every 0.1 s (600 tries unless given)
target_command() {
  local bin_dir=${CARGO_TARGET_DIR:-target}/release
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  case "$1" in
    mock) cmd=("$bin_dir/mock-server" --listen "127.0.0.1:$port" --smtp-listen off --throttle off) ;;
    ceiling) cmd=("$bin_dir/examples/ceiling" --listen "127.0.0.1:$port") ;;
    *) return 1 ;;
  esac
}

wait_ready() {
  for _ in $(seq 1 "${1:-600}"); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
