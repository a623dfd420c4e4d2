-- POST /api/v1/orders, each request with an Idempotency-Key of its own (as an integration sends one).
-- wrk ... -s bench/orders.lua <url> -- <run prefix> <customer id> <plan id> <api key>
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  prefix, customer, plan, key = args[1], args[2], args[3], args[4]
  counter = 0
  body = '{"customerId":"' .. customer .. '","lines":[{"planId":"' .. plan .. '"}]}'
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. key
end

function request()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = prefix .. "-" .. tid .. "-" .. counter
  return wrk.format("POST", wrk.path, nil, body)
end
