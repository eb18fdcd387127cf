#!/usr/bin/env python3
"""Sums a Chromium trace (bench/Kefu.Bench.Ui --trace=<file>) by kind of work on the renderer's main thread.

Usage: bench/ui/trace-summary.py <trace.json> <dcl mark in ms, printed by the bench>
Prints, for the page's renderer main thread (CrRendererMain of the process that loaded the workspace): every task
over 15 ms with its start (ms from the navigation's start) and what it spent its time on, then totals per kind.
Each duration is given as wall time and as the thread's CPU time (the trace's tdur): on a loaded machine the wall
time of a task is mostly time the renderer waited for a core, the CPU time is its work (session 9: a first render
batch of 638 ms wall took 64 ms of CPU at load ~100). Compare CPU figures across runs, not wall."""
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
totals = collections.Counter(); cpu_totals = collections.Counter()
def kinds_in(t):
    c = collections.Counter(); cpu = collections.Counter()
    for e in own:
        if e["name"] in KINDS and t["ts"] <= e["ts"] < t["ts"] + t["dur"]:
            c[KINDS[e["name"]]] += e["dur"] / 1000; cpu[KINDS[e["name"]]] += e.get("tdur", 0) / 1000
    return c, cpu
total_task = total_cpu = 0
for t in tasks:
    total_task += t["dur"] / 1000; total_cpu += t.get("tdur", 0) / 1000
    c, cpu = kinds_in(t); totals.update(c); cpu_totals.update(cpu)
    if t["dur"] >= 15000:
        top = ", ".join(f"{k} {v:.0f}" for k, v in cpu.most_common(4))
        print(f"task at {(t['ts'] - origin) / 1000:7.0f} ms: {t['dur'] / 1000:6.1f} ms wall, {t.get('tdur', 0) / 1000:6.1f} ms CPU  (CPU: {top})")
blazor = [e for e in own if e["name"] == "FunctionCall" and "blazor.web" in (e.get("args", {}).get("data", {}).get("url") or "")]
if blazor:
    b = max(blazor, key=lambda e: e.get("tdur", e["dur"]))
    parsers = sum(1 for e in own if e["name"] == "HTMLDocumentParser::HTMLDocumentParser" and b["ts"] <= e["ts"] < b["ts"] + b["dur"])
    print(f"largest blazor.web.js call (the circuit's first render batch): {b['dur'] / 1000:.1f} ms wall, {b.get('tdur', 0) / 1000:.1f} ms CPU, "
          f"at {(b['ts'] - origin) / 1000:.0f} ms, {parsers} HTML parsers (markup frames); all blazor.web.js calls "
          f"{sum(e['dur'] for e in blazor) / 1000:.0f} ms wall, {sum(e.get('tdur', 0) for e in blazor) / 1000:.0f} ms CPU")
print(f"main-thread tasks: {len(tasks)}, {total_task:.0f} ms wall, {total_cpu:.0f} ms CPU in all (nested kinds overlap, e.g. JS calls include the style recalcs they force)")
print(f"  {'kind':26s} {'wall':>7s} {'CPU':>7s}")
for k, v in totals.most_common(): print(f"  {k:26s} {v:7.0f} {cpu_totals[k]:7.0f} ms")

# CPU per process during the traced load (top-level slices' thread CPU, all threads): the page's renderer is the one
# that parsed the workspace; others are the browser process, the GPU process (software raster here: --disable-gpu),
# the network service, and any renderer Chromium started for its own UI. Session 9 found one: every new Playwright
# page (a new headless window) loads the omnibox popup WebUI (chrome://omnibox-popup.top-chrome) in a "WebUI Top
# Renderer", ~1 s of CPU or more per load, which the bench's all-process CPU row includes; an agent's existing browser
# window has that popup already.
procs = {e["pid"]: e["args"]["name"] for e in events if e.get("ph") == "M" and e.get("name") == "process_name"}
by_thread = collections.defaultdict(list)
for e in events:
    if e.get("ph") == "X" and "dur" in e: by_thread[(e["pid"], e["tid"])].append(e)
per_proc = collections.Counter()
for (pid, tid), es in by_thread.items():
    es.sort(key=lambda e: (e["ts"], -e["dur"])); end = -1
    for e in es:
        if e["ts"] >= end: per_proc[pid] += e.get("tdur", 0) / 1000; end = e["ts"] + e["dur"]
print("CPU per process in the trace (all threads):")
for pid, v in per_proc.most_common(8):
    name = procs.get(pid, str(pid)) + (" (the page's renderer)" if pid == main[0] else "")
    print(f"  {name:45s} {v:7.0f} ms")
