"""The load generator `bench/pages.py` falls back on when wrk is not installed: one thread per connection, each
sending GET requests one after another for a fixed time. Python threads share one core's worth of the GIL, so it
drives the server less hard than wrk: compare its figures with each other (ratios in one run), not with wrk's."""
import http.client
import statistics
import threading
import time


def run(host: str, port: int, path: str, headers: dict[str, str], seconds: float, connections: int,
        timeout: float) -> dict:
    """Hammer http://host:port/path for `seconds` from `connections` threads: the figures wrk's script reports."""
    latencies: list[float] = []
    failures = {"errors": 0, "non_2xx": 0, "timeouts": 0}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            outcome = _get(host, port, path, headers, timeout)
            elapsed = time.perf_counter() - started
            with lock:
                if outcome == "ok":
                    latencies.append(elapsed)
                else:
                    failures[outcome] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.perf_counter() - started
    micro = sorted(value * 1e6 for value in latencies)
    return {"requests": len(micro) + failures["non_2xx"], "duration_us": duration * 1e6, **failures,
            "errors": failures["errors"] + failures["timeouts"], "p50_us": _percentile(micro, 50),
            "p95_us": _percentile(micro, 95), "p99_us": _percentile(micro, 99),
            "mean_us": statistics.fmean(micro) if micro else 0, "max_us": micro[-1] if micro else 0}


def _get(host: str, port: int, path: str, headers: dict[str, str], timeout: float) -> str:
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return "ok" if 200 <= response.status < 300 else "non_2xx"
    except TimeoutError:
        return "timeouts"
    except OSError:
        return "errors"
    finally:
        connection.close()


def _percentile(ordered: list[float], percent: int) -> float:
    if not ordered:
        return 0
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]
