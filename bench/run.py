#!/usr/bin/env python3
"""The mock-server benchmark, one command (issue 7, items 1 to 3). Python 3.11, standard library only.

    python3 bench/run.py                 full run: builds, measures every figure, writes BENCHMARKS.md
    python3 bench/run.py --smoke         one short round per target with the checks; exit 1 on failure
    python3 bench/run.py --soak          the soak alone (60 s at 256 connections by default)
    python3 bench/run.py --soak --short  the soak in a few seconds (what .ci/run runs)

Method (shared/docs/benchmarking.md): release builds; two set-ups (issue 17), measured one after the
other: "pinned", every target on core 1 (`taskset -c 1`) and the load generator and this script on
core 0, and "unpinned", targets and load generator free on both cores (`--setups` picks); interleaved
rounds A B C D after a warm-up; medians and ratios from the same run; a third figure, requests per
second while 32 namespaces each run the whole journey in parallel; errors counted, never averaged away; captured emails checked against `true`
answers. Targets: the bare hyper ceiling (mock-server/examples/ceiling.rs), mock-server, WireMock
standalone with one static stub (the jar of the npm package `wiremock`), and a graphql-yoga mock
(bench/peers/yoga.mjs).

Load generators: wrk (Debian package) for throughput, with bench/lua/graphql.lua; oha (crates.io)
for latency at a fixed rate (`-q RATE --latency-correction`), because wrk cannot hold a rate.

Needs: wrk and oha on PATH, java (17), node (20) and `npm ci` done in bench/, taskset.
Environment: CARGO_TARGET_DIR is honoured (default: <repo>/target).
"""

from __future__ import annotations

import argparse
import atexit
import concurrent.futures
import datetime
import http.client
import json
import os
import re
import resource
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
LUA = BENCH / "lua" / "graphql.lua"
TARGET_DIR = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
SERVER_CORE = "1"
LOADGEN_CORE = "0"
# The two set-ups (issue 17): "pinned", the server on SERVER_CORE and the load generator on
# LOADGEN_CORE; "unpinned", both free on both cores. `SETUP` is the one being measured.
SETUPS = ("pinned", "unpinned")
SETUP = "pinned"
CLK_TCK = os.sysconf("SC_CLK_TCK")
ALLOWED_CPUS = set(os.sched_getaffinity(0))  # before this script pins itself to LOADGEN_CORE

SUCCESS_QUERY = 'mutation { requestPasswordResetEmail(email: "roni_cost@example.com") }'
SUCCESS_BODY = json.dumps({"query": SUCCESS_QUERY}, separators=(",", ":"))
TRUE_ANSWER = '{"data":{"requestPasswordResetEmail":true}}'
TOKEN_RE = re.compile(r"createPassword/\?(?:id=\d+&)?token=([A-Za-z0-9]+)")

# The memory-per-email target and the soak's notion of "flat".
PER_EMAIL_TARGET_BYTES = 2048
FLAT_TOLERANCE_BYTES = 4 * 1024 * 1024
FLAT_TOLERANCE_FRACTION = 0.05
# wrk at or above this share of its core: the column was limited by the load generator.
LOADGEN_BOUND = 0.95


class BenchError(Exception):
    pass


def pin(role: str) -> list[str]:
    """The `taskset` prefix for a server or the load generator in the current set-up."""
    if SETUP == "pinned":
        return ["taskset", "-c", SERVER_CORE if role == "server" else LOADGEN_CORE]
    # This script runs pinned to LOADGEN_CORE, and its children inherit that: free them.
    return ["taskset", "-c", ",".join(str(c) for c in sorted(ALLOWED_CPUS))]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Processes: every server this script starts is tracked by its pid and stopped by its pid.

_started: list[subprocess.Popen] = []


def _stop_all() -> None:
    for proc in list(_started):
        stop_process(proc)


atexit.register(_stop_all)


def stop_process(proc: subprocess.Popen, grace: float = 10.0) -> None:
    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        except ProcessLookupError:
            pass
    if proc in _started:
        _started.remove(proc)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port: int, path: str, timeout: float = 30.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def ready_once(port: int, path: str) -> bool:
    """One raw GET; True on a 200 status line. Connection refused and the like are False."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            head = s.recv(32)
            return head.startswith(b"HTTP/1.1 200") or head.startswith(b"HTTP/1.0 200")
    except OSError:
        return False


def proc_status_kib(pid: int, key: str = "VmRSS") -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise BenchError(f"no {key} for pid {pid}")


def proc_cpu_seconds(pid: int) -> float:
    """utime + stime of the process and its threads, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------------------------------------
# Targets


@dataclass
class Target:
    key: str
    label: str
    captures: bool  # keeps emails, so "emails == true answers" applies
    implements_mix: bool  # answers the mix's error cases (the static peers answer `true` to all)

    def argv(self, port: int, extra: list[str]) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        return dict(os.environ)

    def emails(self, port: int) -> int | None:
        return None


class Ceiling(Target):
    def argv(self, port, extra):
        return [str(TARGET_DIR / "release" / "examples" / "ceiling"), "--listen", f"127.0.0.1:{port}", *extra]


class Mock(Target):
    def argv(self, port, extra):
        return [
            str(TARGET_DIR / "release" / "mock-server"),
            "--listen", f"127.0.0.1:{port}",
            "--smtp-listen", "off",
            "--throttle", "off",
            *extra,
        ]

    def env(self):
        env = dict(os.environ)
        env.pop("RUST_LOG", None)  # the default log level (info: one line per GraphQL operation)
        return env

    def emails(self, port):
        status, body = http_get(port, "/api/v1/info")
        if status != 200:
            raise BenchError(f"mock-server /api/v1/info answered {status}")
        return int(json.loads(body)["Messages"])


class WireMock(Target):
    root: Path | None = None

    def argv(self, port, extra):
        if self.root is None:
            self.root = Path(tempfile.mkdtemp(prefix="bench-wiremock-"))
            shutil.copytree(BENCH / "peers" / "wiremock" / "mappings", self.root / "mappings")
            (self.root / "__files").mkdir()
        return [
            "java", "-jar", str(wiremock_jar()),
            "--port", str(port), "--bind-address", "127.0.0.1",
            "--root-dir", str(self.root),
            "--disable-banner",
            # As WireMock's docs advise for load: no per-request notifier logging, and a journal
            # bounded like mock-server's (it keeps its last 1000 requests).
            "--disable-request-logging",
            "--max-request-journal-entries", "1000",
            *extra,
        ]


class Yoga(Target):
    def argv(self, port, extra):
        return ["node", str(BENCH / "peers" / "yoga.mjs"), "--listen", f"127.0.0.1:{port}", *extra]

    def env(self):
        return dict(os.environ, NODE_ENV="production")

    def emails(self, port):
        status, body = http_get(port, "/emails/count")
        if status != 200:
            raise BenchError(f"yoga /emails/count answered {status}")
        return int(json.loads(body)["count"])


CEILING = Ceiling("ceiling", "hyper ceiling", captures=False, implements_mix=False)
MOCK = Mock("mock", "mock-server", captures=True, implements_mix=True)
WIREMOCK = WireMock("wiremock", "WireMock (static stub)", captures=False, implements_mix=False)
YOGA = Yoga("yoga", "graphql-yoga", captures=True, implements_mix=True)
TARGETS = [CEILING, MOCK, WIREMOCK, YOGA]


def wiremock_jar() -> Path:
    jars = sorted((BENCH / "node_modules" / "wiremock").rglob("wiremock-standalone-*.jar"))
    if not jars:
        raise BenchError("no WireMock jar under bench/node_modules/wiremock: run `npm ci` in bench/")
    return jars[-1]


class Server:
    """A target started pinned to SERVER_CORE; `ready_seconds` is spawn to first 200 on /readyz."""

    def __init__(self, target: Target, extra: list[str] | None = None, logdir: Path | None = None):
        self.target = target
        self.port = free_port()
        self.extra = extra or []
        self.logdir = logdir
        self.proc: subprocess.Popen | None = None
        self.ready_seconds = 0.0
        self.log_path: Path | None = None

    def start(self, timeout: float = 90.0) -> "Server":
        argv = [*pin("server"), *self.target.argv(self.port, self.extra)]
        if self.logdir is not None:
            self.log_path = self.logdir / f"{self.target.key}-{self.port}.log"
            stderr = open(self.log_path, "wb")
        else:
            stderr = subprocess.DEVNULL
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                                     env=self.target.env(), start_new_session=True)
        _started.append(self.proc)
        if stderr is not subprocess.DEVNULL:
            stderr.close()
        deadline = t0 + timeout
        while True:
            if ready_once(self.port, "/readyz"):
                self.ready_seconds = time.perf_counter() - t0
                return self
            if self.proc.poll() is not None:
                raise BenchError(f"{self.target.label} exited with {self.proc.returncode} before it was ready: "
                                 f"{shlex.join(argv)}{self._log_tail()}")
            if time.perf_counter() > deadline:
                raise BenchError(f"{self.target.label} not ready after {timeout:.0f} s{self._log_tail()}")
            time.sleep(0.0005)

    def _log_tail(self) -> str:
        if self.log_path and self.log_path.exists():
            return "\n" + self.log_path.read_text(errors="replace")[-2000:]
        return ""

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def rss_kib(self) -> int:
        return proc_status_kib(self.pid)

    def cpu_seconds(self) -> float:
        return proc_cpu_seconds(self.pid)

    def emails(self) -> int | None:
        return self.target.emails(self.port)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"


# ---------------------------------------------------------------------------------------------
# Load generators


@dataclass
class WrkResult:
    seconds: float
    requests: int
    errors: dict[str, int]
    p50_ms: float
    p99_ms: float
    counted: bool
    sent: int
    sent_success: int
    answers: int
    trues: int
    non200: int
    server_cpu: float  # fraction of one core the server used over the run
    loadgen_cpu: float  # the same for wrk
    complete: bool  # exact mode: every GraphQL request sent was answered before wrk stopped

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def answer_rps(self) -> float:
        return self.answers / self.seconds if self.seconds else 0.0

    @property
    def error_total(self) -> int:
        return sum(self.errors.values())


def run_wrk(server: Server, mode: str, seconds: float, connections: int, *, exact: bool = False,
            budget: int | None = None) -> WrkResult:
    """wrk against `server`. Plain mode measures throughput (no Lua per answer). Exact mode reads every
    answer, counts `true` answers, sends GraphQL until `seconds` (or `budget` requests) have passed,
    then only GET /readyz until every GraphQL request has been answered, and stops: nothing is left
    in flight, so captured emails can be compared with `true` answers exactly."""
    env = dict(os.environ, BENCH_MODE=mode, BENCH_COUNT="1" if exact else "0", BENCH_EXACT="1" if exact else "0")
    wrk_seconds = seconds
    if exact:
        if budget is not None:
            env["BENCH_BUDGET"] = str(budget)
        else:
            env["BENCH_UNTIL"] = str(int(time.time() + seconds + 0.999))
            wrk_seconds = seconds + 1
        # An upper bound only: the Lua script ends the run as soon as every request is answered.
        wrk_seconds = wrk_seconds + 60 + (budget // 500 if budget else 0)
    # Exact mode counts in one Lua state (-t1); unpinned, plain throughput runs use both cores.
    threads = 2 if SETUP == "unpinned" and not exact else 1
    cmd = [*pin("loadgen"), "wrk", f"-t{threads}", f"-c{connections}", f"-d{int(wrk_seconds)}s",
           "--timeout", "10s", "-s", str(LUA), server.url]
    cpu0, child0, t0 = server.cpu_seconds(), children_cpu_seconds(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=wrk_seconds + 120)
    wall = time.perf_counter() - t0
    server_cpu = (server.cpu_seconds() - cpu0) / wall
    loadgen_cpu = (children_cpu_seconds() - child0) / wall
    line = next((l for l in proc.stdout.splitlines() if l.startswith("BENCH_JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise BenchError(f"wrk failed ({proc.returncode}): {shlex.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    errors = {k: data[k] for k in ("connect", "read", "write", "status", "timeout")}
    return WrkResult(
        seconds=data["duration_us"] / 1e6, requests=data["requests"], errors=errors,
        p50_ms=data["p50_us"] / 1000, p99_ms=data["p99_us"] / 1000, counted=exact,
        sent=data["sent"], sent_success=data["sent_success"], answers=data["answers"], trues=data["trues"],
        non200=data["non200"], server_cpu=server_cpu, loadgen_cpu=loadgen_cpu,
        complete=(not exact) or (data["answers"] == data["sent"] and data["stopped"] == 1),
    )


@dataclass
class OhaResult:
    p50_ms: float
    p99_ms: float
    rps: float
    total: int
    ok: int
    errors: int
    statuses: dict[str, int]


def run_oha(server: Server, rate: int, seconds: float, connections: int) -> OhaResult:
    cmd = [*pin("loadgen"), "oha", "--no-tui", "--output-format", "json",
           "-z", f"{seconds}s", "-c", str(connections), "-q", str(rate), "--latency-correction",
           "--wait-ongoing-requests-after-deadline",
           "-m", "POST", "-H", "Content-Type: application/json", "-d", SUCCESS_BODY, server.url]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    if proc.returncode != 0:
        raise BenchError(f"oha failed ({proc.returncode}): {shlex.join(cmd)}\n{proc.stderr[-2000:]}")
    data = json.loads(proc.stdout)
    statuses = {str(k): int(v) for k, v in (data.get("statusCodeDistribution") or {}).items()}
    errors = sum(int(v) for v in (data.get("errorDistribution") or {}).values())
    total = sum(statuses.values()) + errors
    percentiles = data["latencyPercentiles"]
    return OhaResult(
        p50_ms=float(percentiles["p50"]) * 1000, p99_ms=float(percentiles["p99"]) * 1000,
        rps=float(data["summary"]["requestsPerSec"]), total=total,
        ok=statuses.get("200", 0), errors=errors + (total - errors - statuses.get("200", 0)), statuses=statuses,
    )


# ---------------------------------------------------------------------------------------------
# Checks


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def check_wrk_exact(label: str, mode: str, result: WrkResult, emails_before: int | None,
                    emails_after: int | None) -> list[Check]:
    checks = [
        Check(f"{label} {mode}: no socket errors or non-2xx", result.error_total == 0 and result.non200 == 0,
              f"errors {result.errors}, non-200 {result.non200}"),
        Check(f"{label} {mode}: every request answered", result.complete,
              f"sent {result.sent}, answered {result.answers}"),
    ]
    if mode == "success":
        checks.append(Check(f"{label} success: every answer is `true`", result.trues == result.answers,
                            f"{result.trues} true of {result.answers}"))
    elif mode == "mix":
        checks.append(Check(f"{label} mix: `true` answers == success requests", result.trues == result.sent_success,
                            f"{result.trues} true, {result.sent_success} success requests sent"))
    if emails_before is not None and emails_after is not None:
        captured = emails_after - emails_before
        checks.append(Check(f"{label} {mode}: captured emails == `true` answers", captured == result.trues,
                            f"{captured} emails, {result.trues} true answers"))
    return checks


# ---------------------------------------------------------------------------------------------
# Statistics and formatting


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value: float | None, digits: int = 0, unit: str = "") -> str:
    if value is None:
        return "n/a"
    text = f"{value:,.{digits}f}"
    return f"{text} {unit}".rstrip()


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ratio(value: float | None, as_percent: bool = False, digits: int | None = None) -> str:
    """`digits` (decimals) for a ratio held against a target, so that one just under it is not
    shown rounded up to it (59.7% once printed as 60% next to MISSED)."""
    if value is None:
        return "n/a"
    if as_percent:
        return f"{value * 100:.{0 if digits is None else digits}f}%"
    return f"{value:.{2 if digits is None else digits}f}x"


def command_output(cmd: list[str]) -> str:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (proc.stdout + proc.stderr).strip()
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unavailable ({error})"


def machine_info() -> dict[str, str]:
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_kib = proc_meminfo_kib("MemTotal")
    return {
        "nproc": str(len(ALLOWED_CPUS)),  # what `nproc` prints before this script pins itself
        "cpu": model,
        "memory": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "kernel": os.uname().release,
        "load": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def proc_meminfo_kib(key: str) -> int:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def package_version(name: str) -> str:
    try:
        return json.loads((BENCH / "node_modules" / name / "package.json").read_text())["version"]
    except OSError:
        return "not installed"


def lock_version(crate: str) -> str:
    text = (ROOT / "Cargo.lock").read_text()
    found = re.findall(rf'name = "{re.escape(crate)}"\nversion = "([^"]+)"', text)
    return ", ".join(found) or "?"


def versions() -> dict[str, str]:
    java = command_output(["java", "-version"]).splitlines()
    commit = command_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = command_output(["git", "-C", str(ROOT), "status", "--porcelain", "--", "mock-server", "Cargo.lock"])
    return {
        "mock-server": f"commit {commit}{' + uncommitted changes in mock-server/' if dirty else ''}",
        "ceiling": f"hyper {lock_version('hyper')}, hyper-util {lock_version('hyper-util')}, tokio {lock_version('tokio')}",
        "rustc": command_output(["rustc", "--version"]),
        "WireMock": f"{wiremock_jar().name} (npm wiremock {package_version('wiremock')}) on {java[0] if java else '?'}",
        "graphql-yoga": f"graphql-yoga {package_version('graphql-yoga')}, graphql {package_version('graphql')}, "
                        f"Node.js {command_output(['node', '--version'])}",
        "wrk": command_output(["wrk", "-v"]).splitlines()[0].split(" Copyright")[0],
        "oha": command_output(["oha", "--version"]),
    }


# ---------------------------------------------------------------------------------------------
# Build and tool checks


def build(skip: bool) -> str | None:
    """Release builds. Returns why the conformance CLI is unavailable, or None when it built."""
    if skip:
        log("--no-build: using the binaries already in " + str(TARGET_DIR))
    else:
        cmd = ["cargo", "build", "--release", "-p", "mock-server", "--bin", "mock-server", "--example", "ceiling"]
        log("building: " + shlex.join(cmd))
        if subprocess.run(cmd, cwd=ROOT).returncode != 0:
            raise BenchError("cargo build failed")
    for path in (TARGET_DIR / "release" / "mock-server", TARGET_DIR / "release" / "examples" / "ceiling"):
        if not path.exists():
            raise BenchError(f"{path} is missing (build it, or drop --no-build)")
    return None


def build_conformance(skip: bool) -> str | None:
    binary = TARGET_DIR / "release" / "conformance"
    if not (ROOT / "conformance" / "src" / "bin").exists():
        return "the conformance crate has no binary yet"
    if not skip:
        cmd = ["cargo", "build", "--release", "-p", "conformance", "--bin", "conformance"]
        log("building: " + shlex.join(cmd))
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            last = [l for l in proc.stderr.splitlines() if l.startswith("error")][:3]
            return "the conformance CLI does not build yet (" + "; ".join(last or ["cargo build failed"]) + ")"
    if not binary.exists():
        return f"{binary} does not exist"
    help_text = command_output([str(binary), "run", "--help"])
    for flag in ("--target", "--inbox", "--admin"):
        if flag not in help_text:
            return f"`conformance run` has no {flag} option yet"
    return None


def require_tools(soak_only: bool = False) -> None:
    tools = ["taskset", "wrk"] + ([] if soak_only else ["oha", "java", "node"])
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        hints = {"wrk": "apt-get install wrk", "oha": "cargo install oha --locked", "java": "Java 17", "node": "Node.js 20"}
        raise BenchError("missing tools: " + ", ".join(f"{t} ({hints[t]})" if t in hints else t for t in missing))
    if not {0, 1} <= ALLOWED_CPUS:
        raise BenchError(f"needs cores 0 and 1 (server on core 1, load generator on core 0); allowed: {sorted(ALLOWED_CPUS)}")
    if soak_only:
        return
    if not (BENCH / "node_modules" / "graphql-yoga").exists():
        raise BenchError("bench/node_modules is missing: run `npm ci` in bench/")
    wiremock_jar()


# ---------------------------------------------------------------------------------------------
# The measurements


@dataclass
class Results:
    rounds: int = 0
    ready: dict[str, list[float]] = field(default_factory=dict)
    success: dict[str, list[WrkResult]] = field(default_factory=dict)
    mix: dict[str, list[WrkResult]] = field(default_factory=dict)
    latency: dict[str, list[OhaResult]] = field(default_factory=dict)
    rss_idle: dict[str, int] = field(default_factory=dict)
    rss_after: dict[str, int] = field(default_factory=dict)
    rss_cap: dict[str, int] = field(default_factory=dict)
    rss_cap_idle: dict[str, int] = field(default_factory=dict)
    memory_requests: int = 0
    conformance: dict[str, object] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    soak: dict[str, object] = field(default_factory=dict)
    # Set-ups other than the first (whose figures are the fields above): their rounds.
    other_setups: dict[str, "Results"] = field(default_factory=dict)
    journeys: dict[str, "JourneyResult"] = field(default_factory=dict)


def measure_ready(results: Results, runs: int, logdir: Path) -> None:
    """Start-to-ready, interleaved: A B C D, `runs` times."""
    log(f"start-to-ready: {runs} starts per target, interleaved")
    for _ in range(runs):
        for target in TARGETS:
            server = Server(target, logdir=logdir).start()
            results.ready.setdefault(target.key, []).append(server.ready_seconds)
            server.stop()


def measure_rounds(results: Results, args, servers: dict[str, Server]) -> None:
    log(f"warm-up: {args.warmup} s success, {args.warmup} s mix per target")
    for target in TARGETS:
        run_wrk(servers[target.key], "success", args.warmup, args.connections)
        run_wrk(servers[target.key], "mix", args.warmup, args.connections)
        run_oha(servers[target.key], args.rate, max(2, args.warmup // 2), args.latency_connections)
    for r in range(1, args.rounds + 1):
        for mode, store in (("success", results.success), ("mix", results.mix)):
            for target in TARGETS:
                result = run_wrk(servers[target.key], mode, args.duration, args.connections)
                store.setdefault(target.key, []).append(result)
                log(f"round {r}/{args.rounds} {mode:7} {target.label:24} {result.rps:10,.0f} req/s  "
                    f"errors {result.error_total}  server cpu {result.server_cpu:.0%}  wrk cpu {result.loadgen_cpu:.0%}")
        for target in TARGETS:
            result = run_oha(servers[target.key], args.rate, args.latency_seconds, args.latency_connections)
            results.latency.setdefault(target.key, []).append(result)
            log(f"round {r}/{args.rounds} {args.rate}/s  {target.label:24} p50 {result.p50_ms:.3f} ms  "
                f"p99 {result.p99_ms:.3f} ms  errors {result.errors}")
        results.rounds = r


# ---------------------------------------------------------------------------------------------
# Journeys: 32 namespaces, each running the whole password-reset journey in a loop


JOURNEY_EMAIL = "roni_cost@example.com"
JOURNEY_PASSWORDS = ("J0urney-Passw0rd!", "J0urney-Passw0rd?")


@dataclass
class JourneyResult:
    namespaces: int
    seconds: float
    journeys: int
    requests: int
    failures: int
    first_failure: str
    server_cpu: float
    loadgen_cpu: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_journeys(server: Server, namespaces: int, seconds: float) -> JourneyResult:
    """Each namespace, on its own keep-alive connection, loops: requestPasswordResetEmail, the
    token from the control API, resetPassword, generateCustomerToken, `customer` with that token.
    Every answer is checked. The load generator is this script (threads), on its set-up's cores."""
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    totals = {"journeys": 0, "requests": 0, "failures": 0, "first": ""}

    def call(conn: http.client.HTTPConnection, method: str, path: str, namespace: str, body: str | None = None,
             token: str | None = None) -> tuple[int, bytes]:
        headers = {"X-Mock-Namespace": namespace}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()

    def gql(query: str) -> str:
        return json.dumps({"query": query}, separators=(",", ":"))

    def journey_loop(index: int) -> None:
        namespace = f"journey-{index}"
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        journeys = requests = failures = 0
        first = ""
        turn = 0
        try:
            while time.perf_counter() < deadline:
                password = JOURNEY_PASSWORDS[turn % 2]
                turn += 1
                steps_ok = True
                status, body = call(conn, "POST", "/graphql", namespace,
                                    gql(f'mutation {{ requestPasswordResetEmail(email: "{JOURNEY_EMAIL}") }}'))
                requests += 1
                steps_ok &= status == 200 and body == TRUE_ANSWER.encode()
                status, body = call(conn, "GET", f"/__admin/customers/{JOURNEY_EMAIL}/reset-token", namespace)
                requests += 1
                token = json.loads(body).get("token", "") if status == 200 else ""
                steps_ok &= bool(token)
                status, body = call(conn, "POST", "/graphql", namespace, gql(
                    f'mutation {{ resetPassword(email: "{JOURNEY_EMAIL}", resetPasswordToken: "{token}", '
                    f'newPassword: "{password}") }}'))
                requests += 1
                steps_ok &= body == b'{"data":{"resetPassword":true}}'
                status, body = call(conn, "POST", "/graphql", namespace, gql(
                    f'mutation {{ generateCustomerToken(email: "{JOURNEY_EMAIL}", password: "{password}") {{ token }} }}'))
                requests += 1
                bearer = (json.loads(body).get("data") or {}).get("generateCustomerToken", {}) if status == 200 else {}
                bearer = (bearer or {}).get("token") or ""
                steps_ok &= bool(bearer)
                status, body = call(conn, "POST", "/graphql", namespace, gql("{ customer { email } }"), bearer)
                requests += 1
                steps_ok &= JOURNEY_EMAIL.encode() in body
                journeys += 1
                if not steps_ok:
                    failures += 1
                    first = first or f"{namespace}: last answer {status} {body[:200]!r}"
        except (OSError, http.client.HTTPException, ValueError) as error:
            failures += 1
            first = first or f"{namespace}: {error!r}"
        finally:
            conn.close()
        with lock:
            totals["journeys"] += journeys
            totals["requests"] += requests
            totals["failures"] += failures
            totals["first"] = totals["first"] or first

    cpu0, self0, t0 = server.cpu_seconds(), time.process_time(), time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=namespaces) as pool:
        list(pool.map(journey_loop, range(namespaces)))
    wall = time.perf_counter() - t0
    return JourneyResult(namespaces=namespaces, seconds=wall, journeys=totals["journeys"],
                         requests=totals["requests"], failures=totals["failures"], first_failure=totals["first"],
                         server_cpu=(server.cpu_seconds() - cpu0) / wall,
                         loadgen_cpu=(time.process_time() - self0) / wall)


def measure_journeys(results: Results, args, logdir: Path) -> None:
    """The third figure, in each set-up: requests per second while 32 namespaces run journeys."""
    global SETUP
    for setup in args.setups:
        SETUP = setup
        server = Server(MOCK, logdir=logdir).start()
        try:
            run_journeys(server, args.journey_namespaces, max(1, args.warmup // 2))
            result = run_journeys(server, args.journey_namespaces, args.journey_seconds)
        finally:
            server.stop()
        results.journeys[setup] = result
        results.checks.append(Check(f"journeys ({setup}): every step answered as expected", result.failures == 0,
                                    f"{result.journeys:,} journeys, {result.failures} failed {result.first_failure}"))
        log(f"journeys {setup}: {result.rps:,.0f} req/s, {result.journeys:,} journeys in {result.seconds:.1f} s, "
            f"{result.failures} failed, server cpu {result.server_cpu:.0%}, this script {result.loadgen_cpu:.0%}")
    SETUP = args.setups[0]


def measure_memory(results: Results, args, logdir: Path) -> None:
    """Idle RSS, RSS after N success requests (default retention), RSS at the retention cap."""
    n = args.emails
    results.memory_requests = n
    for target in TARGETS:
        server = Server(target, logdir=logdir).start()
        time.sleep(1.0)
        results.rss_idle[target.key] = server.rss_kib()
        before = server.emails()
        result = run_wrk(server, "success", 0, args.connections, exact=True, budget=n)
        time.sleep(1.0)
        results.rss_after[target.key] = server.rss_kib()
        after = server.emails()
        if target is MOCK:
            # Default retention: the inbox keeps the newest 500, so emails cannot be counted here
            # (the --max-messages run below and the soak count them).
            results.checks.append(Check(f"mock-server ({n:,} requests): inbox at the default cap",
                                        after == min(n, 500), f"{after} messages kept"))
            before = after = None
        results.checks += check_wrk_exact(f"{target.label} ({n:,} requests)", "success", result, before, after)
        log(f"memory {target.label}: idle {results.rss_idle[target.key] / 1024:.1f} MiB, after {n:,} "
            f"{results.rss_after[target.key] / 1024:.1f} MiB")
        server.stop()
    # mock-server at the retention cap: --max-messages N, then N captured emails.
    server = Server(MOCK, extra=["--max-messages", str(n)], logdir=logdir).start()
    time.sleep(1.0)
    results.rss_cap_idle[MOCK.key] = server.rss_kib()
    before = server.emails()
    result = run_wrk(server, "success", 0, args.connections, exact=True, budget=n)
    time.sleep(1.0)
    results.rss_cap[MOCK.key] = server.rss_kib()
    after = server.emails()
    results.checks += check_wrk_exact(f"mock-server --max-messages {n:,}", "success", result, before, after)
    results.checks.append(Check(f"mock-server --max-messages {n:,}: inbox at the cap", after == n,
                                f"{after} messages"))
    log(f"memory mock-server at cap: idle {results.rss_cap_idle[MOCK.key] / 1024:.1f} MiB, "
        f"{n:,} kept {results.rss_cap[MOCK.key] / 1024:.1f} MiB")
    server.stop()


def measure_conformance(results: Results, args, reason: str | None, logdir: Path) -> None:
    if reason is not None:
        results.conformance = {"skipped": reason}
        log("conformance: skipped: " + reason)
        return
    binary = str(TARGET_DIR / "release" / "conformance")
    out: dict[str, object] = {}
    for name in ("builtin", "http"):
        times, codes = [], []
        for _ in range(args.conformance_runs):
            server = None
            if name == "builtin":
                cmd = [binary, "run", "--target", "builtin"]
            else:
                server = Server(MOCK, logdir=logdir).start()
                base = f"http://127.0.0.1:{server.port}"
                cmd = [binary, "run", "--target", f"{base}/graphql", "--inbox", f"{base}/", "--admin", f"{base}/__admin"]
            t0 = time.perf_counter()
            proc = subprocess.run(["taskset", "-c", LOADGEN_CORE, *cmd], cwd=ROOT, capture_output=True, text=True,
                                  timeout=3600)
            times.append(time.perf_counter() - t0)
            codes.append(proc.returncode)
            if server is not None:
                server.stop()
            if proc.returncode != 0:
                tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-20:])
                log(f"conformance {name} exited with {proc.returncode}; its last lines:\n{tail}")
        out[name] = {"seconds": times, "exit_codes": codes, "command": shlex.join(cmd).replace(binary, "target/release/conformance")}
        log(f"conformance {name}: {', '.join(f'{t:.2f} s' for t in times)} exit {codes}")
    results.conformance = out


# ---------------------------------------------------------------------------------------------
# The soak


def soak(args, logdir: Path) -> dict[str, object]:
    """Two bounded runs at saturation on the success path.
    A: default retention (500): zero errors, every answer `true`, RSS sampled and flat once at the cap.
    B: retention above the request count: zero errors, captured emails == `true` answers, all tokens
       distinct (read after the run, outside the measured window)."""
    seconds, connections = args.soak_seconds, args.soak_connections
    out: dict[str, object] = {"seconds": seconds, "connections": connections}
    checks: list[Check] = []

    log(f"soak A: {seconds} s, {connections} connections, default retention, RSS sampled every "
        f"{args.soak_sample} s")
    server = Server(MOCK, logdir=logdir).start()
    time.sleep(0.5)
    idle = server.rss_kib()
    samples: list[tuple[float, int]] = []
    stop = threading.Event()

    def sampler() -> None:
        t0 = time.perf_counter()
        while not stop.is_set():
            samples.append((time.perf_counter() - t0, server.rss_kib()))
            stop.wait(args.soak_sample)

    thread = threading.Thread(target=sampler, daemon=True)
    thread.start()
    result = run_wrk(server, "success", seconds, connections, exact=True)
    stop.set()
    thread.join()
    kept = server.emails()
    checks += check_wrk_exact("soak A", "success", result, None, None)
    checks.append(Check("soak A: inbox at the default cap (500)", kept == 500, f"{kept} messages kept"))
    # Flat: ignore the first quarter (the cap is reached within the first second; allocator pools and
    # per-connection buffers settle), then compare the first and second halves of what remains.
    settled = [rss for t, rss in samples if t >= seconds * 0.25]
    if len(settled) >= 4:
        half = len(settled) // 2
        first, second = max(settled[:half]), max(settled[half:])
        growth = second - first
        tolerance = max(FLAT_TOLERANCE_BYTES / 1024, first * FLAT_TOLERANCE_FRACTION)
        slope = linear_slope([(t, rss) for t, rss in samples if t >= seconds * 0.25])
        checks.append(Check("soak A: memory flat once the cap is reached", growth <= tolerance,
                            f"max RSS first half {first / 1024:.1f} MiB, second half {second / 1024:.1f} MiB "
                            f"(growth {growth / 1024:+.1f} MiB, allowed {tolerance / 1024:.1f}); "
                            f"slope {slope:+.1f} KiB/s"))
    else:
        checks.append(Check("soak A: memory flat once the cap is reached", False, "too few RSS samples"))
    out["A"] = {
        "requests": result.answers, "rps": result.answer_rps, "errors": result.error_total, "non200": result.non200,
        "trues": result.trues, "idle_kib": idle, "samples": samples, "p99_ms": result.p99_ms,
        "server_cpu": result.server_cpu,
    }
    log(f"soak A: {result.answers:,} answers ({result.answer_rps:,.0f}/s), RSS {idle / 1024:.1f} -> "
        f"{samples[-1][1] / 1024 if samples else 0:.1f} MiB")
    server.stop()

    log(f"soak B: {seconds} s, {connections} connections, retention above the request count")
    # The storefront URL is short so the whole reset link fits in Mailpit's 250-character snippet and
    # every token can be read from the message list in a few requests; it changes nothing else.
    server = Server(MOCK, extra=["--max-messages", str(args.soak_max_messages), "--storefront-url", "http://s/"],
                    logdir=logdir).start()
    before = server.emails()
    result = run_wrk(server, "success", seconds, connections, exact=True)
    after = server.emails()
    checks += check_wrk_exact("soak B", "success", result, before, after)
    if result.answers >= args.soak_max_messages:
        checks.append(Check("soak B: retention above the request count", False,
                            f"{result.answers} requests >= --max-messages {args.soak_max_messages}; raise --soak-max-messages"))
    t0 = time.perf_counter()
    tokens, read_from_view = read_all_tokens(server.port, after or 0)
    token_seconds = time.perf_counter() - t0
    distinct = len(set(tokens))
    checks.append(Check("soak B: one token per captured email", len(tokens) == after,
                        f"{len(tokens)} tokens read for {after} emails"))
    checks.append(Check("soak B: all tokens distinct", distinct == len(tokens),
                        f"{distinct} distinct of {len(tokens)}"))
    out["B"] = {
        "requests": result.answers, "rps": result.answer_rps, "errors": result.error_total, "non200": result.non200,
        "trues": result.trues, "emails": after, "tokens": len(tokens), "distinct": distinct,
        "token_read_seconds": token_seconds, "read_from_view": read_from_view, "p99_ms": result.p99_ms,
    }
    log(f"soak B: {result.answers:,} answers, {after:,} emails, {distinct:,} distinct tokens "
        f"(read in {token_seconds:.1f} s)")
    server.stop()
    out["checks"] = checks
    return out


def linear_slope(points: list[tuple[float, int]]) -> float:
    if len(points) < 2:
        return 0.0
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    den = sum((t - mean_t) ** 2 for t, _ in points)
    return sum((t - mean_t) * (v - mean_v) for t, v in points) / den if den else 0.0


def read_all_tokens(port: int, expected: int) -> tuple[list[str], int]:
    """Every message's token: from the list's snippets, or GET /view/{ID}.txt when a snippet is cut."""
    tokens: list[str] = []
    missing: list[str] = []
    page = 50_000
    start = 0
    while True:
        status, body = http_get(port, f"/api/v1/messages?start={start}&limit={page}", timeout=600)
        if status != 200:
            raise BenchError(f"/api/v1/messages answered {status}")
        messages = json.loads(body)["messages"]
        for m in messages:
            match = TOKEN_RE.search(m.get("Snippet", ""))
            # A token cut by the 250-character snippet is followed by "..." and is not trusted.
            if match and not m["Snippet"][match.end():].startswith("..."):
                tokens.append(match.group(1))
            else:
                missing.append(m["ID"])
        start += len(messages)
        if len(messages) < page or start >= expected:
            break

    def from_view(ids: list[str]) -> list[str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        found = []
        for message_id in ids:
            conn.request("GET", f"/view/{message_id}.txt")
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
            match = TOKEN_RE.search(text)
            found.append(match.group(1) if match else f"<none:{message_id}>")
        conn.close()
        return found

    if missing:
        chunks = [missing[i::4] for i in range(4)]
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            for found in pool.map(from_view, chunks):
                tokens += found
    return tokens, len(missing)


# ---------------------------------------------------------------------------------------------
# Smoke


def smoke(args, logdir: Path) -> list[Check]:
    checks: list[Check] = []
    for target in TARGETS:
        extra = ["--max-messages", "10000000"] if target is MOCK else []
        server = Server(target, extra=extra, logdir=logdir).start()
        log(f"smoke {target.label}: ready in {server.ready_seconds * 1000:.0f} ms")
        for mode in ("success", "mix"):
            before = server.emails()
            result = run_wrk(server, mode, args.smoke_seconds, args.smoke_connections, exact=True)
            after = server.emails()
            if mode == "mix" and not target.implements_mix:
                checks.append(Check(f"{target.label} mix: no socket errors or non-2xx",
                                    result.error_total == 0 and result.non200 == 0 and result.complete,
                                    f"errors {result.errors}, non-200 {result.non200}, sent {result.sent}, "
                                    f"answered {result.answers}"))
            else:
                checks += check_wrk_exact(target.label, mode, result, before, after)
            log(f"smoke {target.label} {mode}: {result.answers:,} answers ({result.answer_rps:,.0f}/s), "
                f"{result.trues:,} true, errors {result.error_total}, emails {before} -> {after}")
        lat = run_oha(server, args.smoke_rate, args.smoke_seconds, 4)
        checks.append(Check(f"{target.label} fixed rate: every answer 200", lat.errors == 0 and lat.ok == lat.total,
                            f"{lat.ok} of {lat.total} answered 200, statuses {lat.statuses}"))
        log(f"smoke {target.label} {args.smoke_rate}/s: p50 {lat.p50_ms:.2f} ms p99 {lat.p99_ms:.2f} ms")
        if target is MOCK:
            journeys = run_journeys(server, args.journey_namespaces, args.smoke_seconds)
            checks.append(Check(f"{target.label} journeys in {args.journey_namespaces} namespaces: every step as expected",
                                journeys.failures == 0 and journeys.journeys > 0,
                                f"{journeys.journeys} journeys, {journeys.requests} requests, {journeys.failures} failed "
                                f"{journeys.first_failure}"))
            log(f"smoke {target.label} journeys: {journeys.rps:,.0f} req/s, {journeys.journeys} journeys")
        checks.append(Check(f"{target.label}: still running", server.alive(), "process alive"))
        server.stop()
    return checks


# ---------------------------------------------------------------------------------------------
# BENCHMARKS.md

BEGIN = "<!-- bench/run.py: generated from here -->"
END = "<!-- bench/run.py: generated up to here -->"

PREAMBLE = """# Benchmarks

`bench/run.py` measures mock-server against three peers in one run, following
`shared/docs/benchmarking.md`: the bare hyper **ceiling** (`mock-server/examples/ceiling.rs`, reads the
body and answers the fixed success JSON), **WireMock** standalone with one static stub, and a
**graphql-yoga** mock written the way a frontend team would (`bench/peers/yoga.mjs`). Everything
between the two markers below is rewritten by the script; the notes after the second marker are not.

"""


def write_report(path: Path, results: Results, args, machine_start: dict, versions_: dict, command: str,
                 conformance_reason: str | None) -> list[tuple[str, bool | None, str]]:
    keys = [t.key for t in TARGETS]
    labels = {t.key: t.label for t in TARGETS}

    def med_rps(store: dict[str, list[WrkResult]], key: str) -> float | None:
        return median([r.rps for r in store.get(key, [])])

    def med_lat(key: str, attr: str) -> float | None:
        return median([getattr(r, attr) for r in results.latency.get(key, [])])

    ready = {k: median([s * 1000 for s in results.ready.get(k, [])]) for k in keys}
    success = {k: med_rps(results.success, k) for k in keys}
    mix = {k: med_rps(results.mix, k) for k in keys}
    p50 = {k: med_lat(k, "p50_ms") for k in keys}
    p99 = {k: med_lat(k, "p99_ms") for k in keys}
    success_cpu = {k: median([r.server_cpu for r in results.success.get(k, [])]) for k in keys}
    wrk_cpu = {k: median([r.loadgen_cpu for r in results.success.get(k, [])]) for k in keys}
    errors = {k: sum(r.error_total for r in results.success.get(k, []) + results.mix.get(k, []))
              + sum(r.errors for r in results.latency.get(k, [])) for k in keys}
    mix_non200 = {k: sum(r.errors["status"] for r in results.mix.get(k, [])) for k in keys}

    n = results.memory_requests
    mib = lambda kib: None if kib is None else kib / 1024  # noqa: E731
    per_email = None
    per_email_diff = None
    if MOCK.key in results.rss_cap and MOCK.key in results.rss_cap_idle and n:
        per_email = (results.rss_cap[MOCK.key] - results.rss_cap_idle[MOCK.key]) * 1024 / n
        if MOCK.key in results.rss_after and n > 500:
            per_email_diff = (results.rss_cap[MOCK.key] - results.rss_after[MOCK.key]) * 1024 / (n - 500)

    # The four targets, as ratios from this run.
    tp = ratio(success["mock"], success["ceiling"])
    lp = ratio(p99["mock"], p99["ceiling"])
    rr = ratio(ready["mock"], ready["ceiling"])
    verdicts: list[tuple[str, bool | None, str]] = [
        ("success-path throughput >= 60% of the ceiling", None if tp is None else tp >= 0.60,
         f"{fmt_ratio(tp, True, 1)} ({fmt(success['mock'])} vs {fmt(success['ceiling'])} req/s)"),
        (f"p99 at {args.rate} req/s <= 1.5x the ceiling's", None if lp is None else lp <= 1.5,
         f"{fmt_ratio(lp)} ({fmt(p99['mock'], 3)} vs {fmt(p99['ceiling'], 3)} ms)"),
        ("start-to-ready <= 3x the ceiling's", None if rr is None else rr <= 3.0,
         f"{fmt_ratio(rr)} ({fmt(ready['mock'], 1)} vs {fmt(ready['ceiling'], 1)} ms)"),
        ("< 2 KB per captured email", None if per_email is None else per_email < PER_EMAIL_TARGET_BYTES,
         f"{fmt(per_email)} bytes per email"),
    ]

    def row(name: str, values: dict[str, str]) -> str:
        return "| " + name + " | " + " | ".join(values.get(k, "") for k in keys) + " |"

    lines = [BEGIN, ""]
    lines.append(f"Run of {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}. "
                 f"{'**' + args.note + '**' if args.note else ''}".rstrip())
    lines += ["", "Reproduce (from the repository root, after `npm ci` in `bench/`, with wrk and oha installed):",
              "", "```sh", command, "```", ""]
    lines += ["## Targets (ratios from this run)", "", "| target | result | met? |", "|---|---|---|"]
    for name, ok, detail in verdicts:
        lines.append(f"| {name} | {detail} | {'yes' if ok else 'n/a' if ok is None else '**MISSED**'} |")
    lines.append("")
    if wrk_cpu.get("ceiling") is not None and wrk_cpu["ceiling"] >= LOADGEN_BOUND:
        lines += [f"The ceiling's throughput was limited by wrk (wrk used {wrk_cpu['ceiling']:.0%} of its core): the "
                  "real ceiling is at least as high, so the throughput ratio above is an upper bound.", ""]

    lines += ["## Figures (medians)", "",
              "| figure | " + " | ".join(labels[k] for k in keys) + " |",
              "|---|" + "---|" * len(keys)]
    bound = {k: wrk_cpu[k] is not None and wrk_cpu[k] >= LOADGEN_BOUND for k in keys}
    lines.append(row(f"success-path throughput, req/s (wrk, {args.connections} connections, median of {results.rounds} x {args.duration} s)",
                     {k: fmt(success[k]) + (" (wrk-bound: a lower bound)" if bound[k] else "") for k in keys}))
    lines.append(row("  as a share of the ceiling", {k: fmt_ratio(ratio(success[k], success["ceiling"]), True) for k in keys}))
    lines.append(row("mix throughput, req/s (success, unknown, invalid, locked, resetPassword; 1/5 each)",
                     {k: fmt(mix[k]) + ("" if TARGETS[i].implements_mix else " (static: answers `true` to all)")
                      for i, k in enumerate(keys)}))
    lines.append(row("  as a share of the ceiling", {k: fmt_ratio(ratio(mix[k], mix["ceiling"]), True) for k in keys}))
    lines.append(row(f"p50 at {args.rate} req/s, ms (oha -q, latency-corrected, {args.latency_connections} connections)",
                     {k: fmt(p50[k], 3) for k in keys}))
    lines.append(row(f"p99 at {args.rate} req/s, ms", {k: fmt(p99[k], 3) for k in keys}))
    lines.append(row("  p99 as a multiple of the ceiling's", {k: fmt_ratio(ratio(p99[k], p99["ceiling"])) for k in keys}))
    lines.append(row(f"start-to-ready, ms (spawn to first 200 on /readyz, median of {args.ready_runs})",
                     {k: fmt(ready[k], 1) for k in keys}))
    lines.append(row("  as a multiple of the ceiling's", {k: fmt_ratio(ratio(ready[k], ready["ceiling"])) for k in keys}))
    lines.append(row("RSS idle, MiB", {k: fmt(mib(results.rss_idle.get(k)), 1) for k in keys}))
    lines.append(row(f"RSS after {n:,} success requests, MiB (mock-server: default retention, 500 kept)",
                     {k: fmt(mib(results.rss_after.get(k)), 1) + (" (keeps all)" if k == "yoga" else "") for k in keys}))
    lines.append(row(f"RSS at the retention cap, MiB (mock-server --max-messages {n:,}, {n:,} kept)",
                     {k: fmt(mib(results.rss_cap.get(k)), 1) if k == "mock" else "" for k in keys}))
    lines.append(row("memory per captured email, bytes: (RSS at cap - RSS idle) / emails",
                     {"mock": fmt(per_email),
                      "yoga": fmt(None if not n else (results.rss_after["yoga"] - results.rss_idle["yoga"]) * 1024 / n)
                      if "yoga" in results.rss_after else "n/a"}))
    lines.append(row("errors in all rounds (socket errors, non-2xx, timeouts)", {k: str(errors[k]) for k in keys}))
    lines.append(row("server CPU during success rounds (share of its one core)", {k: fmt_ratio(success_cpu[k], True) for k in keys}))
    lines.append(row("wrk CPU during success rounds (share of its one core)", {k: fmt_ratio(wrk_cpu[k], True) for k in keys}))
    lines.append("")
    if per_email_diff is not None:
        lines.append(f"Memory per email without the runtime's own growth under load: (RSS at cap - RSS after {n:,} with "
                     f"500 kept) / {n - 500:,} = {per_email_diff:,.0f} bytes.")
        lines.append("")
    lines.append("wrk runs on one core like the server. A column where wrk used its whole core is marked wrk-bound: "
                 "the server may have more to give, so that figure is a lower bound. For the ceiling this means the "
                 "true ceiling is at least this high, and every ratio against it is at most what is shown.")
    lines.append("")

    # Both set-ups (issue 17): the same targets, pinned and unpinned, and the journeys figure.
    setups = [(args.setups[0], results)] + list(results.other_setups.items())
    lines += ["## Both set-ups", "",
              "Pinned: every server on core 1, the load generator on core 0. Unpinned: both free on both cores "
              "(wrk with two threads). Issue 17's targets: success path >= 0.6x the ceiling and >= 2x WireMock's "
              f"static stub, p99 at {args.rate} req/s within 1.5x the ceiling's, in both.", "",
              "| set-up | mock-server success, req/s | vs ceiling | vs WireMock | p99 vs ceiling's | met? |",
              "|---|---|---|---|---|---|"]
    for name, into in setups:
        s_mock, s_ceiling, s_wiremock = (median([r.rps for r in into.success.get(k, [])])
                                         for k in ("mock", "ceiling", "wiremock"))
        p99s = {k: median([r.p99_ms for r in into.latency.get(k, [])]) for k in ("mock", "ceiling")}
        vs_ceiling, vs_wiremock = ratio(s_mock, s_ceiling), ratio(s_mock, s_wiremock)
        vs_p99 = ratio(p99s["mock"], p99s["ceiling"])
        met = None if None in (vs_ceiling, vs_wiremock, vs_p99) else (
            vs_ceiling >= 0.6 and vs_wiremock >= 2.0 and vs_p99 <= 1.5)
        lines.append(f"| {name} | {fmt(s_mock)} | {fmt_ratio(vs_ceiling, digits=3)} | {fmt_ratio(vs_wiremock)} | "
                     f"{fmt_ratio(vs_p99)} | {'yes' if met else 'n/a' if met is None else '**MISSED**'} |")
    lines.append("")
    if results.journeys:
        lines += [f"Journeys: {args.journey_namespaces} namespaces in parallel, each looping requestPasswordResetEmail, "
                  "the token from the control API, resetPassword, generateCustomerToken and `customer` (five requests, "
                  f"every answer checked), for {args.journey_seconds} s after a warm-up. The load generator is this script "
                  "(Python threads): a server CPU well under its share means the figure is the client's.", "",
                  "| set-up | requests/s | journeys | failed | server CPU | load generator CPU |", "|---|---|---|---|---|---|"]
        for name, j in results.journeys.items():
            lines.append(f"| {name} | {j.rps:,.0f} | {j.journeys:,} | {j.failures} | {j.server_cpu:.0%} | {j.loadgen_cpu:.0%} |")
        lines.append("")

    # Conformance.
    lines += ["## Conformance-suite wall time", ""]
    conf = results.conformance
    if "skipped" in conf or not conf:
        lines.append(f"Skipped: {conf.get('skipped', conformance_reason or 'not run')}.")
    else:
        lines += ["| run | wall time, s (median) | runs | exit codes | command |", "|---|---|---|---|---|"]
        for name, label in (("builtin", "against `builtin`"), ("http", "against a separately started mock-server")):
            data = conf.get(name)
            if data:
                lines.append(f"| {label} | {median(data['seconds']):.2f} | {', '.join(f'{s:.2f}' for s in data['seconds'])} | "
                             f"{', '.join(map(str, data['exit_codes']))} | `{data['command']}` |")
    lines.append("")

    # Soak.
    if results.soak:
        s = results.soak
        lines += ["## Soak (load without loss)", "",
                  f"Success path at saturation, {s['connections']} connections, {s['seconds']} s per run; wrk in exact mode "
                  "(every answer read; at the end it sends only `GET /readyz` until every GraphQL request has been answered, "
                  "so nothing is left in flight and emails can be compared exactly).", ""]
        a, b = s.get("A", {}), s.get("B", {})
        if a:
            samples = a["samples"]
            lines.append(f"- A, default retention (500): {a['requests']:,} requests ({a['rps']:,.0f}/s), "
                         f"{a['errors']} errors, {a['non200']} non-200, {a['trues']:,} `true`; RSS idle {a['idle_kib'] / 1024:.1f} MiB, "
                         f"then {rss_series(samples)}.")
        if b:
            lines.append(f"- B, retention above the request count: {b['requests']:,} requests ({b['rps']:,.0f}/s), "
                         f"{b['errors']} errors, {b['trues']:,} `true` answers, {b['emails']:,} captured emails, "
                         f"{b['distinct']:,} distinct tokens of {b['tokens']:,} (read afterwards in {b['token_read_seconds']:.1f} s).")
        lines += ["", "| check | result | detail |", "|---|---|---|"]
        for c in s["checks"]:
            lines.append(f"| {c.name} | {'pass' if c.ok else '**FAIL**'} | {c.detail} |")
        lines.append("")

    # Checks of the benchmark itself.
    if results.checks:
        lines += ["## Checks made during the run", "", "| check | result | detail |", "|---|---|---|"]
        for c in results.checks:
            lines.append(f"| {c.name} | {'pass' if c.ok else '**FAIL**'} | {c.detail} |")
        lines.append("")

    # Per-round figures.
    lines += ["## Every round", "", "Throughput, req/s (errors in brackets when not zero):", ""]
    lines.append("| round | " + " | ".join(f"{labels[k]} success" for k in keys) + " | "
                 + " | ".join(f"{labels[k]} mix" for k in keys) + " |")
    lines.append("|---|" + "---|" * (2 * len(keys)))
    for r in range(results.rounds):
        cells = []
        for store in (results.success, results.mix):
            for k in keys:
                res = store[k][r]
                cells.append(f"{res.rps:,.0f}" + (f" ({res.error_total})" if res.error_total else ""))
        lines.append(f"| {r + 1} | " + " | ".join(cells) + " |")
    lines += ["", f"Latency at {args.rate} req/s, p50 / p99 ms:", ""]
    lines.append("| round | " + " | ".join(labels[k] for k in keys) + " |")
    lines.append("|---|" + "---|" * len(keys))
    for r in range(results.rounds):
        cells = [f"{results.latency[k][r].p50_ms:.3f} / {results.latency[k][r].p99_ms:.3f}" for k in keys]
        lines.append(f"| {r + 1} | " + " | ".join(cells) + " |")
    lines += ["", "Start-to-ready, ms: " + "; ".join(
        f"{labels[k]} " + ", ".join(f"{s * 1000:.1f}" for s in results.ready.get(k, [])) for k in keys) + ".", ""]

    # Machine and versions.
    machine_end = machine_info()
    lines += ["## Machine and versions", "",
              f"- {machine_start['nproc']} cores ({machine_start['cpu']}), {machine_start['memory']}, Linux {machine_start['kernel']}; "
              f"load average (1/5/15 min) {machine_start['load']} at the start, {machine_end['load']} at the end.",
              f"- Pinning: every server `taskset -c {SERVER_CORE}`, wrk / oha / this script `taskset -c {LOADGEN_CORE}`."]
    for name, version in versions_.items():
        lines.append(f"- {name}: {version}")
    lines.append(f"- Settings: {args.rounds} rounds after a {args.warmup} s warm-up; wrk `-t1 -c{args.connections} -d{args.duration}s`; "
                 f"oha `-q {args.rate} -c {args.latency_connections} -z {args.latency_seconds}s --latency-correction`; "
                 f"mock-server `--smtp-listen off --throttle off`, default log level (info: one line per operation, on "
                 f"stderr, batched into one write per 10 ms, to a file); WireMock "
                 f"`--disable-request-logging --max-request-journal-entries 1000`; graphql-yoga with NODE_ENV=production.")
    lines += ["", END]
    generated = "\n".join(lines) + "\n"

    old = path.read_text() if path.exists() else ""
    if BEGIN in old and END in old:
        before, rest = old.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        text = before + generated.rstrip("\n") + after
    else:
        text = PREAMBLE + generated + "\n" + old.replace(PREAMBLE, "")
    path.write_text(text)
    return verdicts


def rss_series(samples: list[tuple[float, int]]) -> str:
    if not samples:
        return "no samples"
    marks = []
    last_t = samples[-1][0]
    for fraction in (0.0, 0.25, 0.5, 0.75, 1.0):
        t_goal = last_t * fraction
        t, rss = min(samples, key=lambda s: abs(s[0] - t_goal))
        marks.append(f"{rss / 1024:.1f} MiB at {t:.0f} s")
    return ", ".join(marks)


# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str]):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--smoke", action="store_true", help="one short round per target with the checks; exit 1 on failure")
    p.add_argument("--soak", action="store_true", help="only the soak; exit 1 on failure")
    p.add_argument("--short", action="store_true", help="with --soak: a few seconds per run (CI)")
    p.add_argument("--no-soak", action="store_true", help="full run without the soak")
    p.add_argument("--no-build", action="store_true", help="use the binaries already built")
    p.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    p.add_argument("--note", default="", help="a line printed in bold under the run date (e.g. provisional)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--warmup", type=int, default=5, help="seconds per target and mode before the rounds")
    p.add_argument("--duration", type=int, default=10, help="seconds per wrk throughput run")
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--rate", type=int, default=1000, help="the fixed rate for p50/p99, req/s")
    p.add_argument("--latency-seconds", type=int, default=10)
    p.add_argument("--latency-connections", type=int, default=16)
    p.add_argument("--ready-runs", type=int, default=7)
    p.add_argument("--emails", type=int, default=100_000, help="captured emails for the memory figures")
    p.add_argument("--conformance-runs", type=int, default=3)
    p.add_argument("--soak-seconds", type=int, default=60)
    p.add_argument("--soak-connections", type=int, default=256)
    p.add_argument("--soak-sample", type=float, default=0.5, help="seconds between RSS samples")
    p.add_argument("--soak-max-messages", type=int, default=20_000_000)
    p.add_argument("--smoke-seconds", type=int, default=2)
    p.add_argument("--smoke-connections", type=int, default=16)
    p.add_argument("--smoke-rate", type=int, default=200)
    p.add_argument("--setups", default=",".join(SETUPS),
                   help="pinned (server core 1, load generator core 0), unpinned (both on both cores), or both")
    p.add_argument("--journey-namespaces", type=int, default=32)
    p.add_argument("--journey-seconds", type=int, default=10)
    args = p.parse_args(argv)
    args.setups = [s.strip() for s in args.setups.split(",") if s.strip()]
    if not args.setups or any(s not in SETUPS for s in args.setups):
        p.error(f"--setups: a comma-separated list of {', '.join(SETUPS)}")
    # The reproduce command: what was asked, without --no-build and --note.
    args.reproduce_args, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a == "--note":
            skip = True
        elif a != "--no-build" and not a.startswith("--note="):
            args.reproduce_args.append(a)
    if args.short:
        args.soak_seconds = min(args.soak_seconds, 5)
    return args


def report_checks(checks: list[Check]) -> bool:
    ok = True
    for c in checks:
        print(f"{'PASS' if c.ok else 'FAIL'}  {c.name}: {c.detail}")
        ok &= c.ok
    return ok


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    logdir = Path(tempfile.mkdtemp(prefix="bench-logs-"))
    keep_logs = False
    try:
        require_tools(soak_only=args.soak)
        # The release builds on every core (a fat-LTO build from scratch is long on one); nothing
        # is measured yet.
        build(args.no_build)
        conformance_reason = None if args.smoke or args.soak else build_conformance(args.no_build)
        os.sched_setaffinity(0, {int(LOADGEN_CORE)})  # this script, and what it runs unpinned, on core 0
        if args.smoke:
            ok = report_checks(smoke(args, logdir))
            print("smoke: " + ("all checks passed" if ok else "FAILED"))
            return 0 if ok else 1
        if args.soak:
            result = soak(args, logdir)
            ok = report_checks(result["checks"])
            print("soak: " + ("all checks passed" if ok else "FAILED"))
            return 0 if ok else 1

        machine_start = machine_info()
        results = Results()
        # A fat-LTO link writes about a gigabyte: let the disk finish before the starts are timed
        # (in one run, starts timed straight after it took four times as long).
        os.sync()
        time.sleep(2)
        measure_ready(results, args.ready_runs, logdir)
        global SETUP
        for setup in args.setups:
            SETUP = setup
            into = results if setup == args.setups[0] else results.other_setups.setdefault(setup, Results())
            log(f"set-up: {setup}")
            servers = {t.key: Server(t, logdir=logdir).start() for t in TARGETS}
            for key, server in servers.items():
                time.sleep(0.5)
                into.rss_idle[key] = server.rss_kib()
            try:
                measure_rounds(into, args, servers)
            finally:
                for server in servers.values():
                    server.stop()
        SETUP = args.setups[0]
        measure_journeys(results, args, logdir)
        measure_memory(results, args, logdir)
        measure_conformance(results, args, conformance_reason, logdir)
        if not args.no_soak:
            results.soak = soak(args, logdir)
        command = "python3 bench/run.py" + ("" if not args.reproduce_args else " " + shlex.join(args.reproduce_args))
        if os.environ.get("CARGO_TARGET_DIR"):
            command = f"CARGO_TARGET_DIR={os.environ['CARGO_TARGET_DIR']} " + command
        verdicts = write_report(args.out, results, args, machine_start, versions(), command, conformance_reason)
        log(f"wrote {args.out}")
        for name, ok, detail in verdicts:
            print(f"{'met   ' if ok else 'n/a   ' if ok is None else 'MISSED'}  {name}: {detail}")
        checks = results.checks + list(results.soak.get("checks", []))
        ok = report_checks(checks)
        return 0 if ok else 1
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        print(f"bench: server logs in {logdir}", file=sys.stderr)
        keep_logs = True
        return 2
    finally:
        _stop_all()
        if not keep_logs:
            shutil.rmtree(logdir, ignore_errors=True)
        if WIREMOCK.root is not None:
            shutil.rmtree(WIREMOCK.root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
