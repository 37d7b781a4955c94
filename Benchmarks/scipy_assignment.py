"""The baseline for the assignment benchmark: scipy.optimize.linear_sum_assignment.

Reads a little-endian binary file (int64 rows, int64 columns, then the row-major float64
costs), solves it three times and prints "<best seconds> <total>" on one line, or
"unavailable" when numpy or scipy is missing. Usage: python3 scipy_assignment.py FILE
"""
import sys
import time

try:
    import numpy as np
    from scipy.optimize import linear_sum_assignment
except ImportError:
    print("unavailable")
    sys.exit(0)

with open(sys.argv[1], "rb") as f:
    data = f.read()
rows, columns = (int(x) for x in np.frombuffer(data, dtype="<i8", count=2))
costs = np.frombuffer(data, dtype="<f8", offset=16, count=rows * columns).reshape(rows, columns)
costs = np.ascontiguousarray(costs, dtype=np.float64)
best = float("inf")
for _ in range(3):
    start = time.perf_counter()
    row_ind, col_ind = linear_sum_assignment(costs)
    best = min(best, time.perf_counter() - start)
total = float(costs[row_ind, col_ind].sum())
print(f"{best!r} {total!r}")
