-- wrk script of bench/pages.py: after the run, one line of JSON with the figures it reads (times in microseconds).
done = function(summary, latency, requests)
  io.write(string.format(
    'PPI-BENCH {"requests": %d, "duration_us": %d, "errors": %d, "non_2xx": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
end
