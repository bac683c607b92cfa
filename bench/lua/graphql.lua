-- wrk script for bench/run.py: POST /graphql with the success body, or the mix.
--   BENCH_MODE=success  every request is requestPasswordResetEmail for roni_cost@example.com
--   BENCH_MODE=mix      cycles: success, unknown email, invalid format, locked account,
--                       resetPassword with a mismatched token (1/5 each)
--   BENCH_COUNT=1       read every answer in Lua: count answers, `true` answers, non-200 statuses
--                       (costs wrk time: used by the check runs, not by the throughput rounds)
--   BENCH_EXACT=1       with BENCH_BUDGET=N (requests) or BENCH_UNTIL=T (epoch seconds): send GraphQL
--                       until the budget or deadline, then only GET /readyz until every GraphQL
--                       request sent has been answered, then stop. Nothing is left in flight, so
--                       the server's captured emails can be compared exactly with `true` answers.
--                       Needs one wrk thread (-t1).
-- done() prints one line "BENCH_JSON {...}": wrk's own summary and the counts.

local ffi = require("ffi")
ffi.cdef("int kill(int pid, int sig); int getpid(void);")

local mode = os.getenv("BENCH_MODE") or "success"
local exact = os.getenv("BENCH_EXACT") == "1"
local count = exact or os.getenv("BENCH_COUNT") == "1"
local budget = tonumber(os.getenv("BENCH_BUDGET") or "")
local deadline = tonumber(os.getenv("BENCH_UNTIL") or "")

local function q(text)
  return '{"query":"' .. text:gsub('"', '\\"') .. '"}'
end

local bodies = {
  q('mutation { requestPasswordResetEmail(email: "roni_cost@example.com") }'),
  q('mutation { requestPasswordResetEmail(email: "nobody@example.com") }'),
  q('mutation { requestPasswordResetEmail(email: "not-an-email") }'),
  q('mutation { requestPasswordResetEmail(email: "locked@example.com") }'),
  q('mutation { resetPassword(email: "roni_cost@example.com", resetPasswordToken: "abcdefghijklmnopqrstuvwxyzABCDEF", newPassword: "N3w-Passw0rd!") }'),
}

wrk.method = "POST"
wrk.path = "/graphql"
wrk.headers["Content-Type"] = "application/json"
wrk.body = bodies[1]

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local requests, ping
-- wrk calls request() once on its first thread before the run, only to count pipelined requests
-- (script_verify_request); that call sends nothing, so it is not counted.
local verified = false
sent, sent_success, answers, trues, non200, pings, stopped = 0, 0, 0, 0, 0, 0, 0

local function closed()
  return (budget ~= nil and sent >= budget) or (deadline ~= nil and os.time() >= deadline)
end

function init(args)
  requests = {}
  for i, body in ipairs(bodies) do
    requests[i] = wrk.format("POST", "/graphql", { ["Content-Type"] = "application/json" }, body)
  end
  ping = wrk.format("GET", "/readyz", {}, nil)
end

-- Success-only throughput runs keep wrk's static request (no Lua per request).
if mode == "mix" or exact then
  function request()
    if not verified then
      verified = true
      return requests[1]
    end
    if exact and closed() then
      return ping
    end
    sent = sent + 1
    local kind = 1
    if mode == "mix" then
      kind = (sent - 1) % #requests + 1
    end
    if kind == 1 then
      sent_success = sent_success + 1
    end
    return requests[kind]
  end
end

if count then
  function response(status, headers, body)
    if body == "ok" then
      pings = pings + 1
    else
      answers = answers + 1
      if status ~= 200 then
        non200 = non200 + 1
      elseif body:find(':true}}', 1, true) then
        trues = trues + 1
      end
    end
    if exact and answers == sent and closed() then
      stopped = 1
      wrk.thread:stop()
      -- wrk's main thread sleeps for the whole -d; SIGINT (its own handler) ends that sleep,
      -- so the run ends now and done() still reports.
      ffi.C.kill(ffi.C.getpid(), 2)
    end
  end
end

function done(summary, latency, _)
  local totals = { sent = 0, sent_success = 0, answers = 0, trues = 0, non200 = 0, pings = 0, stopped = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + (thread:get(name) or 0)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"duration_us":%d,"requests":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50_us":%d,"p99_us":%d,"counted":%s,"sent":%d,"sent_success":%d,"answers":%d,"trues":%d,"non200":%d,"pings":%d,"stopped":%d}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), tostring(count), totals.sent, totals.sent_success,
    totals.answers, totals.trues, totals.non200, totals.pings, totals.stopped))
end
