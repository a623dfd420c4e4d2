-- A list sent once, an item a request, shared between wrk's two threads (odd lines to the first,
-- even to the second), with each thread stopping when its share runs out. Loaded by checkout.lua
-- and webhooks.lua.
--
-- wrk sleeps for the whole duration even when every thread has stopped, so its requests/s
-- undercounts a run whose list ran out: each thread keeps when it sent its first request and got
-- its last answer (a monotonic clock), and list.done() prints the rate over that span.
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

list = {}
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("tid", #threads)
end

-- This thread's share of the file's lines, each made an item by parse.
function list.load(file, parse)
  items, next_item = {}, 1
  local n = 0
  for line in io.lines(file) do
    n = n + 1
    if n % 2 == tid % 2 then items[#items + 1] = parse(line) end
  end
end

function list.next()
  first = first or now_ms()
  local item = items[next_item] or items[#items]
  next_item = next_item + 1
  return item
end

function list.answered()
  last = now_ms()
  if next_item > #items then wrk.thread:stop() end
end

-- Prints "Rate: n", and "<Name>: n" summed over the threads for each counter named.
function list.done(summary, counters)
  local from, to = math.huge, 0
  local sums = {}
  for _, thread in ipairs(threads) do
    from = math.min(from, thread:get("first") or math.huge)
    to = math.max(to, thread:get("last") or 0)
    for name, global in pairs(counters or {}) do sums[name] = (sums[name] or 0) + (thread:get(global) or 0) end
  end
  for name, sum in pairs(sums) do io.write(string.format("%s: %d\n", name, sum)) end
  if to > from then io.write(string.format("Rate: %d\n", summary.requests / ((to - from) / 1000))) end
end
