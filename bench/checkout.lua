-- POST /api/v1/orders/{id}/checkout, each request for an order of its own, until the orders run out.
-- wrk -t2 ... -s bench/checkout.lua <base url> -- <file of order ids> <api key>
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
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
  local id = ids[next_id] or ids[#ids]
  next_id = next_id + 1
  wrk.headers["Idempotency-Key"] = "checkout-" .. id
  return wrk.format("POST", "/api/v1/orders/" .. id .. "/checkout", nil, '{"provider":"mock"}')
end

function response(status, headers, body)
  if next_id > #ids then wrk.thread:stop() end
end
