"""Webhook load with wrk at a steady offered rate.

Each wrk connection waits `connections / rate` seconds between its requests (wrk's `delay()`), so
the offered rate is fixed and a slow server shows up as latency and a lower accepted rate. Every
request is a distinct camera event: per plate an entry, then an exit 5–300 minutes later.
"""

import subprocess
import tempfile
from pathlib import Path

WEBHOOK_SCRIPT = """
local counter = 0
local thread_id = 0
local threads = {}
local base = %(base_epoch)d
setup = function(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
init = function(args)
  thread_id = tid
  math.randomseed(1000 + thread_id)
end
delay = function()
  return %(delay_ms)f
end
request = function()
  counter = counter + 1
  local pair = math.floor((counter - 1) / 2)
  local plate = string.format("W%%02d%%06d", thread_id, pair)
  local event = (counter %% 2 == 1) and "entry" or "exit"
  local t = base + thread_id * 10000000 + pair * 60 + ((event == "exit") and (300 + pair %% 17000) or 0)
  local body = string.format(
    '{"event":"%%s","plate":"%%s","facility_id":"bench-p%%03d","timestamp":"%%s"}',
    event, plate, 1 + (pair * 7 + thread_id) %% 200, os.date("!%%Y-%%m-%%dT%%H:%%M:%%SZ", t))
  return wrk.format("POST", "/webhook", {["Content-Type"] = "application/json",
                    ["Authorization"] = "Bearer %(token)s"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def webhook_load(base: str, token: str, *, rate: int, seconds: int, connections: int = 32) -> dict:
    """Offer `rate` events/s for `seconds`; returns accepted events/s and latency percentiles (ms)."""
    import time

    script_text = WEBHOOK_SCRIPT % {
        "base_epoch": int(time.time()) - 40 * 86400,
        "delay_ms": connections / rate * 1000,
        "token": token,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(script_text)
    try:
        done = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--timeout",
                "5s",
                "-s",
                script.name,
                base,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    finally:
        Path(script.name).unlink()
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")
    requests, duration_us, p50, p95, p99, errors = (int(x) for x in line.split()[1:])
    return {
        "eps": (requests - errors) / (duration_us / 1e6),
        "offered": rate,
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "errors": errors,
    }
