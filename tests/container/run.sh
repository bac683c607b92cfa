#!/usr/bin/env bash
# shellcheck disable=SC2016 # GraphQL variables ($email, ...) in single quotes are meant literally.
# The container image as a user runs it: build it (container/build.sh), start it, wait for Docker's
# own health status to say `healthy` (so the HEALTHCHECK works), then over HTTP: sign up
# (createCustomerV2), requestPasswordResetEmail, read the email through the Mailpit-compatible
# /api/v1, resetPassword with the emailed token, generateCustomerToken with the new password; mail
# delivered to the SMTP port lands in the inbox; /__admin needs the admin token; `docker stop` (SIGTERM)
# stops it cleanly. Then the container, the image and any daemon this script started are removed.
#
#   tests/container/run.sh               (as root on Debian: installs docker.io and starts dockerd if needed)
#   MOCK_SERVER_BINARY=target/debug/mock-server tests/container/run.sh    (image from that binary, no release build)
#
# Everything stays on loopback: the container shares the host's network (`--network host`, which needs
# no bridge or iptables) and is told to listen on 127.0.0.1 ports (CONTAINER_TEST_PORT, default 4731,
# and the next one for SMTP). Every wait is bounded; any failure prints why and the container's log.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

port="${CONTAINER_TEST_PORT:-4731}"
smtp_port="$((port + 1))"
base="http://127.0.0.1:$port"
tag="mock-server:container-test"
name="mock-server-container-test"
admin_token="container-test-admin-token"
storefront="http://storefront.test/"
work="$(mktemp -d)"
container=""
dockerd_pid=""
image_built=""

say() { echo "tests/container: $*"; }
fail() {
  echo "tests/container: FAILED: $*" >&2
  if [ -n "$container" ]; then
    echo "--- container log ---" >&2
    docker logs "$container" >&2 2>&1 || true
    echo "--- health ---" >&2
    docker inspect --format '{{json .State.Health}}' "$container" >&2 2>&1 || true
  fi
  exit 1
}
cleanup() {
  local status=$?
  set +e
  [ -n "$container" ] && docker rm -f "$container" >/dev/null 2>&1
  [ -n "$image_built" ] && docker rmi -f "$tag" >/dev/null 2>&1
  if [ -n "$dockerd_pid" ]; then
    kill "$dockerd_pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$dockerd_pid" 2>/dev/null && { say "dockerd did not stop on SIGTERM: killing it"; kill -9 "$dockerd_pid"; }
    # What the daemon mounted and left (its network namespace): unmounted, deepest first, so rm works.
    awk -v dir="$work/" 'index($2, dir) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mount; do
      umount "$mount" || umount -l "$mount"
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

for tool in curl python3; do
  command -v "$tool" >/dev/null || fail "$tool is needed (apt-get install $tool)"
done

# --- Docker: the daemon that is running, or one of our own, private to this run ----------------
if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
      fail "no Docker daemon is running and dockerd is not installed (install docker.io)"
    fi
    say "installing docker.io"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
  say "starting a private dockerd (vfs storage, no bridge, no iptables; state in $work)"
  export DOCKER_HOST="unix://$work/docker.sock"
  dockerd --host "$DOCKER_HOST" --data-root "$work/docker" --exec-root "$work/exec" \
    --pidfile "$work/dockerd.pid" --storage-driver=vfs --iptables=false --bridge=none \
    >"$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 300); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || { cat "$work/dockerd.log" >&2; dockerd_pid=""; fail "dockerd exited at start"; }
    sleep 0.1
  done
  docker info >/dev/null 2>&1 || { tail -20 "$work/dockerd.log" >&2; fail "dockerd did not answer within 30 s"; }
fi

# --- The image -------------------------------------------------------------------------------
started=$(date +%s)
build_args=(--tag "$tag")
[ -n "${MOCK_SERVER_BINARY:-}" ] && build_args+=(--binary "$MOCK_SERVER_BINARY")
image_built=yes
"$root/container/build.sh" "${build_args[@]}" || fail "container/build.sh failed"
say "image built in $(($(date +%s) - started)) s; user $(docker image inspect --format '{{.Config.User}}' "$tag")"
[ "$(docker image inspect --format '{{.Config.User}}' "$tag")" = "65532:65532" ] || fail "the image does not set USER 65532:65532"

# --- A container, as a user would start it (host network instead of -p: no bridge here) ----------
for p in "$port" "$smtp_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then fail "127.0.0.1:$p is already in use (set CONTAINER_TEST_PORT)"; fi
done
docker rm -f "$name" >/dev/null 2>&1 || true # left by an interrupted run
container="$(docker run -d --name "$name" --network host \
  -e MOCK_LISTEN="127.0.0.1:$port" -e MOCK_SMTP_LISTEN="127.0.0.1:$smtp_port" \
  -e MOCK_ADMIN_TOKEN="$admin_token" -e MOCK_STOREFRONT_URL="$storefront" "$tag")" \
  || fail "docker run failed"

# Docker's health status, from the image's HEALTHCHECK (interval 5 s): bounded at 60 s.
health=""
for _ in $(seq 1 120); do
  health="$(docker inspect --format '{{.State.Status}}/{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$container")"
  case "$health" in
    running/healthy) break ;;
    running/unhealthy) fail "Docker reports the container unhealthy" ;;
    running/*) sleep 0.5 ;;
    *) fail "the container stopped before it was healthy ($health)" ;;
  esac
done
[ "$health" = running/healthy ] || fail "not healthy within 60 s (last status: $health)"
say "healthy after $(($(date +%s) - started)) s from the start of the build"

pid="$(docker inspect --format '{{.State.Pid}}' "$container")"
[ "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" = 65532 ] || fail "the server does not run as uid 65532"

# --- The reset journey over HTTP ---------------------------------------------------------------
# graphql QUERY VARIABLES_JSON: the response body (HTTP status must be 200).
graphql() {
  local body status
  body="$(python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1], "variables": json.loads(sys.argv[2])}))' "$1" "$2")"
  status="$(curl -sS --max-time 10 -o "$work/response" -w '%{http_code}' "$base/graphql" \
    -H 'Content-Type: application/json' -d "$body")" || fail "POST /graphql did not answer"
  [ "$status" = 200 ] || fail "POST /graphql answered $status: $(cat "$work/response")"
  cat "$work/response"
}
# json_get PATH < body: the value at a path like data.x.y (strings bare, others as JSON), "" when absent.
json_get() {
  python3 -c '
import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1].split("."):
    value = value.get(key) if isinstance(value, dict) else None
print(value if isinstance(value, str) else ("" if value is None else json.dumps(value)))' "$1"
}
expect() { # expect WHAT ACTUAL EXPECTED
  [ "$2" = "$3" ] || fail "$1: expected $3, got ${2:-nothing}"
}

email="container-journey@example.com"
old_password="Before-Passw0rd!"
new_password="After-Passw0rd!"

created="$(graphql 'mutation ($input: CustomerCreateInput!) { createCustomerV2(input: $input) { customer { email } } }' \
  "{\"input\":{\"firstname\":\"Cont\",\"lastname\":\"Ainer\",\"email\":\"$email\",\"password\":\"$old_password\"}}")"
expect "createCustomerV2" "$(json_get data.createCustomerV2.customer.email <<<"$created")" "$email"

requested="$(graphql 'mutation ($email: String!) { requestPasswordResetEmail(email: $email) }' "{\"email\":\"$email\"}")"
expect "requestPasswordResetEmail" "$(json_get data.requestPasswordResetEmail <<<"$requested")" true

message="$(curl -sS --fail --max-time 10 "$base/api/v1/message/latest?query=to:$email")" \
  || fail "GET /api/v1/message/latest?query=to:$email failed"
subject="$(json_get Subject <<<"$message")"
[[ "$subject" == Reset* ]] || fail "the latest email to $email is not the reset email: $subject"
link="$(json_get HTML <<<"$message" | grep -o "${storefront}customer/account/createPassword/[^\"]*" | head -1 | sed 's/&amp;/\&/g')"
[ -n "$link" ] || fail "no reset link to $storefront in the email"
token="$(sed -n 's/.*[?&]token=\([A-Za-z0-9]*\).*/\1/p' <<<"$link")"
expect "token length in $link" "${#token}" 32

reset="$(graphql 'mutation ($e: String!, $t: String!, $p: String!) { resetPassword(email: $e, resetPasswordToken: $t, newPassword: $p) }' \
  "{\"e\":\"$email\",\"t\":\"$token\",\"p\":\"$new_password\"}")"
expect "resetPassword" "$(json_get data.resetPassword <<<"$reset")" true

signed_in="$(graphql 'mutation ($e: String!, $p: String!) { generateCustomerToken(email: $e, password: $p) { token } }' \
  "{\"e\":\"$email\",\"p\":\"$new_password\"}")"
[ -n "$(json_get data.generateCustomerToken.token <<<"$signed_in")" ] || fail "generateCustomerToken with the new password: $signed_in"
say "journey passed: createCustomerV2, requestPasswordResetEmail, /api/v1 email, resetPassword, generateCustomerToken"

# --- SMTP capture on the configured port ---------------------------------------------------------
python3 - "$smtp_port" <<'PY' || fail "SMTP delivery to 127.0.0.1:$smtp_port failed"
import smtplib, sys
with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10) as smtp:
    smtp.sendmail("app@example.com", ["smtp-check@example.com"],
                  "From: app@example.com\r\nTo: smtp-check@example.com\r\nSubject: over SMTP\r\n\r\nhello\r\n")
PY
smtp_subject="$(curl -sS --fail --max-time 10 "$base/api/v1/message/latest?query=to:smtp-check@example.com" | json_get Subject)"
expect "subject of the mail sent over SMTP" "$smtp_subject" "over SMTP"

# --- The admin token ------------------------------------------------------------------------------
admin_status() { curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$@" "$base/__admin/customers"; }
expect "GET /__admin/customers without a token" "$(admin_status)" 401
expect "GET /__admin/customers with a wrong token" "$(admin_status -H 'Authorization: Bearer wrong')" 401
expect "GET /__admin/customers with the token" "$(admin_status -H "Authorization: Bearer $admin_token")" 200
say "admin token enforced; SMTP capture works"

# --- SIGTERM: a clean stop ---------------------------------------------------------------------------
stop_started=$(date +%s)
docker stop --time 10 "$container" >/dev/null || fail "docker stop failed"
expect "exit code after docker stop (SIGTERM)" "$(docker inspect --format '{{.State.ExitCode}}' "$container")" 0
[ $(($(date +%s) - stop_started)) -lt 10 ] || fail "the server did not stop on SIGTERM (Docker killed it after 10 s)"
say "passed in $(($(date +%s) - started)) s (image $(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.1f MB", $1/1e6}'))"
