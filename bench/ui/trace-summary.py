#!/usr/bin/env python3
"""Sums a Chromium trace (bench/Kefu.Bench.Ui --trace=<file>) by kind of work on the renderer's main thread.

Usage: bench/ui/trace-summary.py <trace.json> <dcl mark in ms, printed by the bench>
Prints, for the page's renderer main thread (CrRendererMain of the process that loaded the workspace): every task
over 15 ms with its start (ms from the navigation's start) and what it spent its time on, then totals per kind."""
import json, sys, collections

events = json.load(open(sys.argv[1]))["traceEvents"]
threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("ph") == "M" and e.get("name") == "thread_name"}
mains = {k for k, v in threads.items() if v == "CrRendererMain"}
# The time origin: the navigation's start, found from DOMContentLoaded (the trace's MarkDOMContent on the renderer
# that parsed the most HTML) minus the page's own DOMContentLoaded mark, which the bench prints ("dcl").
parse = collections.Counter((e["pid"], e["tid"]) for e in events if e.get("name") == "ParseHTML" and (e["pid"], e["tid"]) in mains)
if not parse: sys.exit("no HTML parsed in the trace")
main = parse.most_common(1)[0][0]
dcl_mark = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
marks = [e for e in events if e.get("name") == "MarkDOMContent" and (e["pid"], e["tid"]) == main]
origin = (marks[-1]["ts"] if marks else min(e["ts"] for e in events if (e["pid"], e["tid"]) == main)) - dcl_mark * 1000
KINDS = {"ParseHTML": "parse HTML", "ParseAuthorStyleSheet": "parse stylesheet", "UpdateLayoutTree": "style recalc",
         "Layout": "layout", "PrePaint": "pre-paint", "Paint": "paint", "v8.compile": "JS compile",
         "v8.compileModule": "JS compile", "EvaluateScript": "JS evaluate (top level)", "FunctionCall": "JS calls",
         "EventDispatch": "DOM events", "TimerFire": "timers", "FireAnimationFrame": "animation frames",
         "v8.produceCache": "JS code cache", "v8.gc": "GC", "MajorGC": "GC", "MinorGC": "GC",
         "Commit": "compositor commit", "UpdateLayer": "layers", "Layerize": "layers"}
own = [e for e in events if (e["pid"], e["tid"]) == main and e.get("ph") == "X" and "dur" in e]
top_name = "ThreadControllerImpl::RunTask" if any(e["name"] == "ThreadControllerImpl::RunTask" for e in own) else "RunTask"
tasks = sorted((e for e in own if e["name"] == top_name), key=lambda e: e["ts"])
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
