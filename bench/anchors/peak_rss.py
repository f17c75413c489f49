"""Run a Python script unchanged, then print its process's peak resident memory.

usage: python3 peak_rss.py SCRIPT [ARGS...]
Prints, after the script's own output, one line: PEAK_RSS_KB <kilobytes>. The bench uses
it so that the yardsticks stay exactly as the team copied them."""
import resource, runpy, sys

script = sys.argv[1]
sys.argv = sys.argv[1:]
try:
    runpy.run_path(script, run_name="__main__")
finally:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is kilobytes on Linux, bytes on macOS
    print("PEAK_RSS_KB", peak // 1024 if sys.platform == "darwin" else peak, flush=True)
