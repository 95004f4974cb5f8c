-- wrk script of `bench/run serving`: POSTs single-row predict bodies, one real row per request,
-- rotating over the lines of $TEND_BENCH_BODIES, with the bearer token $TEND_BENCH_TOKEN.
local bodies = {}
local next_body = 1

function init(args)
  for line in io.lines(os.getenv("TEND_BENCH_BODIES")) do
    bodies[#bodies + 1] = line
  end
  -- Each wrk thread starts at its own place in the rotation.
  next_body = (math.random(#bodies))
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TEND_BENCH_TOKEN")
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, body)
end
