-- POST /api/v1/orders/{id}/checkout, each request for an order of its own, until the orders run out.
-- wrk -t2 ... -s bench/checkout.lua <base url> -- <file of order ids> <api key> [provider, mock if not given]
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "list.lua")

function init(args)
  list.load(args[1], function(line) return line end)
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. args[2]
  body = '{"provider":"' .. (args[3] or "mock") .. '"}'
end

function request()
  local id = list.next()
  wrk.headers["Idempotency-Key"] = "checkout-" .. id
  return wrk.format("POST", "/api/v1/orders/" .. id .. "/checkout", nil, body)
end

function response(status, headers, body)
  list.answered()
end

function done(summary, latency, requests)
  list.done(summary)
end
