-- POSTs for wrk (bench/support/wrk-post.ts): one thread per connection, each on its own target.
-- Arguments (after `--`): a run nonce, the JSON body, then one "path<TAB>authorization" per
-- thread (thread n takes target ((n - 1) mod count) + 1). Every request carries a fresh
-- Idempotency-Key: the nonce, the thread's number and a counter, so no key repeats within a run
-- or across runs. The summary is printed as one JSON line starting with WRK_RESULT.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

function init(args)
  nonce = args[1]
  body = args[2]
  local targets = {}
  for index = 3, #args do
    table.insert(targets, args[index])
  end
  local target = targets[((number - 1) % #targets) + 1]
  local tab = string.find(target, "\t", 1, true)
  path = string.sub(target, 1, tab - 1)
  authorization = string.sub(target, tab + 1)
  counter = 0
  statuses = {}
end

function request()
  counter = counter + 1
  local headers = {
    ["Authorization"] = authorization,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("wrk-%s-%d-%d", nonce, number, counter),
  }
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(counts) do
    table.insert(parts, string.format('"%s":%d', status, count))
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"durationUs":%d,"bytes":%d,"p50Us":%d,"p99Us":%d,' ..
      '"errors":%d,"statusCodes":{%s}}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.timeout, table.concat(parts, ",")))
end
