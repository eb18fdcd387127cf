#!/usr/bin/env python3
"""Sums a Chromium trace (bench/Kefu.Bench.Ui --trace=<file>) by kind of work on the renderer's main thread.

Usage: bench/ui/trace-summary.py <trace.json>
Prints, for the page's renderer main thread (CrRendererMain of the process that loaded the workspace): every task
over 15 ms with its start (ms from the navigation's start) and what it spent its time on, then totals per kind."""
import json, sys, collections

events = json.load(open(sys.argv[1]))["traceEvents"]
threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("ph") == "M" and e.get("name") == "thread_name"}
mains = {k for k, v in threads.items() if v == "CrRendererMain"}
# The navigation's start in the renderer that committed it (the workspace page), as the time origin.
nav = [e for e in events if e.get("name") == "navigationStart" and (e["pid"], e["tid"]) in mains
       and "http" in json.dumps(e.get("args", {}))]
if not nav: sys.exit("no navigationStart found")
origin = nav[-1]["ts"]; main = (nav[-1]["pid"], nav[-1]["tid"])
KINDS = {"ParseHTML": "parse HTML", "ParseAuthorStyleSheet": "parse stylesheet", "UpdateLayoutTree": "style recalc",
         "Layout": "layout", "PrePaint": "pre-paint", "Paint": "paint", "v8.compile": "JS compile",
         "v8.compileModule": "JS compile", "EvaluateScript": "JS evaluate (top level)", "FunctionCall": "JS calls",
         "EventDispatch": "DOM events", "TimerFire": "timers", "FireAnimationFrame": "animation frames",
         "v8.produceCache": "JS code cache", "v8.gc": "GC", "MajorGC": "GC", "MinorGC": "GC",
         "Commit": "compositor commit", "UpdateLayer": "layers", "Layerize": "layers"}
own = [e for e in events if (e["pid"], e["tid"]) == main and e.get("ph") == "X" and "dur" in e]
tasks = sorted((e for e in own if e["name"] in ("RunTask", "ThreadControllerImpl::RunTask")), key=lambda e: e["ts"])
totals = collections.Counter()
def kinds_in(t):
    c = collections.Counter()
    for e in own:
        if e["name"] in KINDS and t["ts"] <= e["ts"] < t["ts"] + t["dur"]: c[KINDS[e["name"]]] += e["dur"] / 1000
    return c
total_task = 0
for t in tasks:
    total_task += t["dur"] / 1000
    c = kinds_in(t); totals.update(c)
    if t["dur"] >= 15000:
        top = ", ".join(f"{k} {v:.0f}" for k, v in c.most_common(4))
        print(f"task at {(t['ts'] - origin) / 1000:7.0f} ms: {t['dur'] / 1000:6.1f} ms  ({top})")
print(f"main-thread tasks: {len(tasks)}, {total_task:.0f} ms in all (nested kinds overlap, e.g. JS calls include the style recalcs they force)")
for k, v in totals.most_common(): print(f"  {k:26s} {v:7.0f} ms")
