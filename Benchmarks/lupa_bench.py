"""The peer: the same host-function loop in lupa (Lua 5.4 calling a Python function).

Prints nanoseconds per call, the best of five runs. Usage: python3 lupa_bench.py N
"""
import sys
import time

try:
    import lupa.lua54 as lupa
except ImportError:
    try:
        import lupa
    except ImportError:
        print("unavailable")
        sys.exit(0)

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
lua = lupa.LuaRuntime()
lua.globals().add = lambda a, b: a + b
loop = lua.eval("function(n) local add = add local x = 0 for i = 1, n do x = add(i, 2) end return x end")
best = float("inf")
for _ in range(5):
    start = time.perf_counter()
    loop(n)
    best = min(best, time.perf_counter() - start)
print(f"{best / n * 1e9:.2f}")
