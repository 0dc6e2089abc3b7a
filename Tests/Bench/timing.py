"""The median wall time of a call, in ms: the one timer the comparison scripts share.

Standard library only, so a measuring child process loads nothing it does not measure.
"""
import statistics
import time


def median_ms(fn, iterations, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(iterations):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)
