-- POST /api/v1/orders/{id}/checkout, each request for an order of its own, until the orders run out.
-- wrk -t2 ... -s bench/checkout.lua <base url> -- <file of order ids> <api key>
-- wrk sleeps for the whole duration even when every thread stops early, so its requests/s
-- undercounts a run whose list ran out: each thread keeps when it sent its first request and got
-- its last answer (a monotonic clock), and done() prints the rate over that span.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } paydesk_timespec;
int clock_gettime(int clk_id, paydesk_timespec *tp);
]]
local timespec = ffi.new("paydesk_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("tid", #threads)
end

function init(args)
  ids, next_id = {}, 1
  local n = 0
  for line in io.lines(args[1]) do
    n = n + 1
    -- Two threads: the odd lines to the first, the even to the second.
    if n % 2 == tid % 2 then ids[#ids + 1] = line end
  end
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. args[2]
end

function request()
  first = first or now_ms()
  local id = ids[next_id] or ids[#ids]
  next_id = next_id + 1
  wrk.headers["Idempotency-Key"] = "checkout-" .. id
  return wrk.format("POST", "/api/v1/orders/" .. id .. "/checkout", nil, '{"provider":"mock"}')
end

function response(status, headers, body)
  last = now_ms()
  if next_id > #ids then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local from, to = math.huge, 0
  for _, thread in ipairs(threads) do
    from = math.min(from, thread:get("first") or math.huge)
    to = math.max(to, thread:get("last") or 0)
  end
  if to > from then io.write(string.format("Rate: %d\n", summary.requests / ((to - from) / 1000))) end
end
