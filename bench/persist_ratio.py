#!/usr/bin/env python3
"""Success-path throughput of mock-server with and without --data-dir, back to back.

    python3 bench/persist_ratio.py BINARY [SECONDS] [ROUNDS] [ACCOUNTS]

Each round starts the binary twice (memory only, then with a fresh --data-dir) and drives
requestPasswordResetEmail for the fixture customer over 8 keep-alive connections, 32 requests
pipelined per connection, for SECONDS; every answer must be `true`. Prints req/s per run and the
ratio of each back-to-back pair. ACCOUNTS (0 unless given) more customers are added to the
built-in fixtures (through a --fixtures file), so each change lands in a namespace that large. One
warm-up request per run makes the namespace (hashing every fixture password) before the clock starts.
"""
import re, socket, subprocess, sys, tempfile, threading, time, json

BIN = sys.argv[1]
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 5
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 3
ACCOUNTS = int(sys.argv[4]) if len(sys.argv) > 4 else 0
BODY = json.dumps({"query": 'mutation { requestPasswordResetEmail(email: "roni_cost@example.com") }'}).encode()
REQ = (b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(BODY)) + BODY
DEPTH, CONNS = 32, 8
OK = b'{"data":{"requestPasswordResetEmail":true}}'

def fixtures_args():
    if not ACCOUNTS:
        return []
    import pathlib
    base = (pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "customers.toml").read_text()
    extra = "".join(f'\n[[customer]]\nemail = "bench-{i}@example.com"\npassword = "Bench-Passw0rd!"\n'
                    f'firstname = "Bench"\nlastname = "Customer"\n' for i in range(ACCOUNTS))
    f = tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False)
    f.write(base + extra)
    f.close()
    import atexit, os
    atexit.register(os.unlink, f.name)
    return ["--fixtures", f.name]

FIXTURES = fixtures_args()

def start(extra):
    p = subprocess.Popen([BIN, "--listen", "127.0.0.1:0", "--smtp-listen", "off", *FIXTURES, *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in p.stdout:
        m = re.search(r"GraphQL\s+http://([\d.]+):(\d+)/graphql", line)
        if m:
            return p, (m.group(1), int(m.group(2)))
    raise SystemExit("no banner")

def worker(addr, stop, counts, i):
    s = socket.create_connection(addr)
    buf = b""
    done = bad = 0
    while not stop.is_set():
        s.sendall(REQ * DEPTH)
        got = 0
        while got < DEPTH:
            # Each answer: headers, then a body of known length.
            while b"\r\n\r\n" not in buf:
                buf += s.recv(65536)
            head, buf = buf.split(b"\r\n\r\n", 1)
            n = int(re.search(rb"content-length: (\d+)", head, re.I).group(1))
            while len(buf) < n:
                buf += s.recv(65536)
            body, buf = buf[:n], buf[n:]
            got += 1
            if body == OK:
                done += 1
            else:
                bad += 1
    counts[i] = (done, bad)

def measure(extra):
    p, addr = start(extra)
    warm = socket.create_connection(addr)
    warm.sendall(REQ)
    answer = b""
    while OK not in answer:
        chunk = warm.recv(65536)
        if not chunk:
            raise SystemExit("the warm-up request got no answer")
        answer += chunk
    warm.close()
    stop = threading.Event()
    counts = [None] * CONNS
    threads = [threading.Thread(target=worker, args=(addr, stop, counts, i)) for i in range(CONNS)]
    t0 = time.perf_counter()
    for t in threads: t.start()
    time.sleep(SECONDS)
    stop.set()
    for t in threads: t.join()
    elapsed = time.perf_counter() - t0
    p.kill(); p.wait()
    done = sum(c[0] for c in counts); bad = sum(c[1] for c in counts)
    assert bad == 0, f"{bad} answers were not true"
    return done / elapsed

ratios = []
for r in range(ROUNDS):
    memory = measure([])
    with tempfile.TemporaryDirectory() as d:
        disk = measure(["--data-dir", d])
    ratios.append(disk / memory)
    print(f"round {r}: memory {memory:,.0f} req/s, --data-dir {disk:,.0f} req/s, ratio {disk/memory:.2f}", flush=True)
ratios.sort()
print(f"median ratio --data-dir / memory: {ratios[len(ratios)//2]:.2f}")
