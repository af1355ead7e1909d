-- POSTs the hook payloads of the NDJSON file $PAYLOADS to /v1/hooks, one after another, and reports errors.
local bodies = {}
for line in io.lines(os.getenv("PAYLOADS")) do bodies[#bodies + 1] = line end
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, "/v1/hooks", nil, bodies[i])
end
done = function(summary, latency, requests)
  io.write(string.format("non-2xx or errors: status %d, connect %d, read %d, write %d, timeout %d\n",
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
