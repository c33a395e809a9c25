#!/usr/bin/env python3
"""Differential fuzzer: random asyncio programs, CPython against `sim`.

Each program is generated from a small grammar (below) as a tree of steps, rendered twice:
as a Python program for CPython under `vclock.py` (the virtual-clock loop of
../shared/conformance) and as a `sim` scenario (scenarios/README.md). Both are run, their
log lines compared; the first difference is shrunk (steps, blocks and tasks deleted while
the traces part at the same line) and saved as `diff-SEED-N.py` + `.toml` + both traces
(`.python.out`, `.sim.out`) + `.json` (the program, for `--replay`).

The grammar is in differential_gen.py, the rendering of each step as Python and as TOML
in differential_render.py; this file runs, compares, shrinks and saves.

Usage (from the repository root; builds nothing, so build `sim` first):

  cargo build -p simloop-cli --bin sim
  scripts/differential.py --seed 1 --count 500 --out target/differential
  scripts/differential.py --seed 7 --count 0 --out DIR     # until the first difference
  scripts/differential.py --seed 7 --count 3000 --keep-going --out DIR   # save them all
  scripts/differential.py --replay DIR/diff-7-123.json     # rerun a saved finding

The reference is CPython 3.12 (the version simloop follows where asyncio changed;
`--python` picks another). Equal deadlines: CPython's timer heap is not stable, so the
generated programs are run with `VCLOCK_TIES=fifo`, the documented rule simloop's FIFO
policy follows (asyncio-order.md rule 4); a saved finding's default-heap trace is kept
beside it when the two differ.

Constructs generated (both sides support each): named tasks, awaited and cancelled (with
and without messages) by main and by the tasks spawned after them; sleeps (0 and equal
deadlines included); logs of `loop.time()`, of a shared counter and of primitives'
state; exceptions raised and caught (`try`/`except` by kind); `except CancelledError: log;
raise` (`on_cancel`); `except CancelledError` swallowing the task's own cancellation (go
on, return, clean up with a sleep, `uncancel()`); Lock and Semaphore/BoundedSemaphore (`async with`, over-release);
Event set/clear/wait; Condition notify(n)/notify_all/wait/wait_for(predicate); Barrier
wait/abort/reset; Queue, LifoQueue or PriorityQueue (maxsize, put/get, put_nowait/get_nowait with QueueFull/
QueueEmpty, task_done, join); futures awaited, set (result, exception) and cancelled by
tasks and callbacks; wait_for, timeout and timeout_at (with reschedule, timeout(None))
around blocks; shield of a block; from main: gather of tasks and of coroutines
(return_exceptions), wait (FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED, timeouts),
as_completed (timeouts), wait_for of a task and of a shielded task, TaskGroup,
call_soon/call_later (handles cancelled) and done callbacks on tasks and futures (named ones
that set futures, events and the queue, some removed with remove_done_callback), get_name()
of main's tasks; since round 23 eager tasks: a quarter of the programs set
`eager_task_factory` at main's start (`eager_tasks = true`), a tenth start some spawns
eagerly one by one (the factory called by hand, then `set_name()`, as 3.12's
`create_task` does with a factory set: round 26; `spawn ... eager = true`); since round
24 main's gather of a bare future with up to two tasks (`return_exceptions` or not), a
`call_later` setting or cancelling the future armed just before it; since round 25
`wait_for` with a zero timeout (asyncio's `_cancel_and_wait`), done-callbacks cancelling
tasks, and the Event set, cleared and set again; since round 26 (differential_shapes.py)
a gather of main's tasks held as a value (`g = asyncio.gather(...)`: cancelled with or
without a message, `cancel()`'s return and `g.done()` logged, awaited, first under
`wait_for` when it has no `return_exceptions`), `cancelling()` logged in a task's `except
CancelledError` and what `uncancel()` returns, `current_task().get_name()` in tasks
(TaskGroup children, and shield's and gather's tasks, `Task-N`), `wait_for(Q.get(), d)` and
`wait_for(Q.put(x), d)`, a TaskGroup child cancelling or awaiting its sibling, `timeout`
(main) and `wait_for` (tasks) around TaskGroups, and `wait_for`/`timeout` around a
shielded gather in tasks.

What it avoids, and why (documented differences of simloop, see
tests/conformance/README.md, "The differential fuzzer"): an exception raised while a
cancellation unwinds (simloop delivers cancellation by dropping the future: a Drop guard
fires only then and cannot raise); sets' iteration order (wait's
done/pending are read as each task's done(); as_completed runs over tasks not yet started;
TaskGroups of at most two children); combinators over TaskGroup children (the scenario
language's group children are awaited directly); done-callbacks on a held gather (the
scenario language's has none), and a held `return_exceptions` gather awaited under
`wait_for` (its awaiter's cancellation is not recorded as the gather's `cancel()`,
gather_value.rs: seed 8602, program 225); a timeout around a TaskGroup with two children
whose cancellation shows (rule 12's set order); with eager tasks, a zero `wait_for` of a
block that may hold a lock or catch when it suspends, or of a task (simloop drops the
block in the caller's step, where asyncio cancels the wrapper task running it); `to_thread` (real threads race the virtual clock);
Python's own repr of tasks and futures. Known differences are recognised and counted
rather than saved (`known()`), where asyncio changed and simloop follows 3.13 in the few
places the conformance README lists: since round 26 `uncancel-313` (simloop prints the trace
of CPython 3.12 given 3.13's `uncancel()` and TaskGroup exit alone) and `follows-3.13`
(CPython 3.13 prints simloop's trace, those two changes not explaining it: each is worth a
look; round 26's triage in the conformance README).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

from differential_gen import generate
from differential_render import (handles, plain_in_order, render_py, render_toml,
                                 spawned_in, spawned_in_order, task_refs)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VCLOCK = os.path.join(os.path.dirname(ROOT), "shared", "conformance", "vclock.py")
PY312 = os.path.expanduser("~/.pyenv/versions/3.12.1/bin/python3")
PY313 = os.path.expanduser("~/.pyenv/versions/3.13.0/bin/python3")


# Runs the program with the harness's loop but ends the process at the first deadlock or
# exception out of main, so what a real Runner's teardown prints never enters the trace;
# its last line says how many lines main's end had seen (`main-end-pass` in known()).
WRAPPER = r'''
import asyncio, os, runpy, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vclock
printed = [0, None]
def log(msg):
    printed[0] += 1
    print(f"t={vclock.now_ms()} {msg}")
vclock.log = log
async def main_of(coro):
    try:
        return await coro
    finally:
        printed[1] = printed[0]
def run(coro):
    loop = vclock.VirtualClockLoop()
    asyncio.set_event_loop(loop)
    end = "END"
    try:
        loop.run_until_complete(vclock._start(main_of(coro)))
    except vclock.Deadlock:
        end = "DEADLOCK"
    except NameError:
        # An UnboundLocalError (a handle bound in a TaskGroup body the group interrupted
        # before it got there) is the scenario language's NameError.
        end = "MAIN RAISED NameError"
    except BaseException as e:
        end = "MAIN RAISED " + type(e).__name__
    sys.stdout.write(end + "\n" + f"main ended after {printed[1]}\n")
    sys.stdout.flush()
    os._exit(0)
vclock.run = run
if os.environ.get("DIFFERENTIAL_UNCANCEL_313"):
    # 3.12 with 3.13's `uncancel()` (case 511): bringing the count to zero withdraws a
    # pending cancellation. The pure-Python Task carries it, in place of the C
    # one, for `create_task` and for the eager factory alike.
    from asyncio import tasks
    class Task313(tasks._PyTask):
        def uncancel(self):
            n = super().uncancel()
            if n == 0:
                self._must_cancel = False
            return n
    tasks.Task = asyncio.Task = Task313
    if hasattr(tasks, "create_eager_task_factory"):
        factory = tasks.create_eager_task_factory(Task313)
        tasks.eager_task_factory = asyncio.eager_task_factory = factory
    # And 3.13's TaskGroup exit, which uncancels its abort's request after waiting for the
    # children: one made while it waited is withdrawn too (3.12 withdraws only one made
    # before; the conformance README's fuzzer section).
    from asyncio import taskgroups
    aexit = taskgroups.TaskGroup.__aexit__
    async def aexit_313(self, et, exc, tb):
        before = self._parent_cancel_requested
        try:
            return await aexit(self, et, exc, tb)
        finally:
            if self._parent_cancel_requested and not before:
                self._parent_task.uncancel()
    taskgroups.TaskGroup.__aexit__ = aexit_313
runpy.run_path(sys.argv[1], run_name="__main__")
'''


# --- running and comparing ------------------------------------------------------------


class Runner:
    def __init__(self, python, sim, ties):
        self.python = python
        self.sim = sim
        self.ties = ties
        self.dir = tempfile.mkdtemp(prefix="differential-")
        os.makedirs(os.path.join(self.dir, "cases"))
        shutil.copy(VCLOCK, self.dir)
        with open(os.path.join(self.dir, "wrap.py"), "w") as f:
            f.write(WRAPPER)

    def python_trace(self, src, ties=None, python=None, uncancel_313=False):
        path = os.path.join(self.dir, "cases", "prog.py")
        with open(path, "w") as f:
            f.write(src)
        env = dict(os.environ, VCLOCK_TIES=ties or self.ties)
        if uncancel_313:
            env["DIFFERENTIAL_UNCANCEL_313"] = "1"
        try:
            p = subprocess.run([python or self.python, os.path.join(self.dir, "wrap.py"), path],
                               capture_output=True, text=True, timeout=30, env=env)
        except subprocess.TimeoutExpired:
            return None, "python timed out"
        lines = p.stdout.splitlines()
        if len(lines) < 2 or not lines[-1].startswith("main ended after "):
            return None, "python: " + p.stderr[-2000:]
        self.main_end = lines.pop()[len("main ended after "):]
        return lines, p.stderr

    def sim_trace(self, text):
        path = os.path.join(self.dir, "prog.toml")
        with open(path, "w") as f:
            f.write(text)
        try:
            p = subprocess.run([self.sim, "run", path, "--format", "logs"],
                               capture_output=True, text=True, timeout=30)
        except subprocess.TimeoutExpired:
            return None, "sim timed out"
        lines = p.stdout.splitlines()
        if p.returncode == 0:
            return lines + ["END"], p.stderr
        if p.returncode == 1:
            if "deadlock at" in p.stderr:
                return lines + ["DEADLOCK"], p.stderr
            for line in p.stderr.splitlines():
                if "the main task raised " in line:
                    kind = line.split("the main task raised ", 1)[1].split("(")[0]
                    return lines + ["MAIN RAISED " + kind], p.stderr
            return lines + ["SIM FAILED"], p.stderr
        return None, "sim: " + p.stderr[-2000:]

    def compare(self, prog):
        """None when both sides agree, else (python lines, sim lines, notes)."""
        py, pe = self.python_trace(render_py(prog))
        if py is None:
            return ("invalid", pe)
        sm, se = self.sim_trace(render_toml(prog))
        if sm is None:
            return ("invalid", se)
        if py[-1] == "END":
            same = py == sm
        else:
            # After a deadlock or a raising main, simloop's teardown cancels what is left
            # (Drop guards log): only the lines up to CPython's end are compared.
            same = sm[-1] == py[-1] and sm[: len(py) - 1] == py[:-1]
        if same:
            return None
        return ("diff", py, sm, se)


# --- known differences ----------------------------------------------------------------
#
# Differences found and not fixed (tests/conformance/README.md, "The differential
# fuzzer"): recognised so that a long run goes on past them; counted, not saved.


def known(runner, prog, res):
    """Why a difference is a known one, or None. Two are recognised, both where simloop
    follows CPython 3.13 (tests/conformance/README.md lists the places). `uncancel-313`:
    simloop prints the trace of CPython 3.12 given two changes of 3.13's alone: `uncancel()`
    bringing the count to zero withdraws a pending `_must_cancel` (511), which an eager
    TaskGroup child failing at once shows (753: 3.12 cancels the body's task at its next
    await, or at its return, and a bare leftover cancellation hides a later one's message);
    and a TaskGroup's exit withdraws its abort's request made while it waited (3.12 leaves
    it counted, which a `timeout()` around the group then reads). `follows-3.13`: CPython
    3.13 prints simloop's trace and those two do not explain it (a Condition waiter's last
    message, 509; rule 9's notified waiter cancelled): each is worth a look, as a bug 3.13
    happens to share would land here. The last two recognised before, `main-end-pass` and
    `cancel-message-first-retrieval`, were fixed in round 20 (cases 706, 707), so they count
    as other differences if they come back."""
    if runner.python == PY313:
        return None
    _, py, sm, _ = res

    def same(trace):
        if trace is None:
            return False
        if trace[-1] == "END":
            return trace == sm
        return sm[-1] == trace[-1] and sm[: len(trace) - 1] == trace[:-1]

    src = render_py(prog)
    # The pure-Python Task's addresses vary from run to run, and with them a set's order
    # (rule 12: seed 8622, program 14): a trace that varies in five runs explains nothing.
    runs = {tuple(runner.python_trace(src, uncancel_313=True)[0] or ()) for _ in range(5)}
    if len(runs) == 1 and same(list(runs.pop()) or None):
        return "uncancel-313"
    if os.path.exists(PY313) and same(runner.python_trace(src, python=PY313)[0]):
        return "follows-3.13"
    return None


# --- shrinking ------------------------------------------------------------------------


def blocks(prog):
    """Every step list of the program, as (owner list) references."""
    out = []

    def walk(steps):
        out.append(steps)
        for s in steps:
            for key in ("body",):
                if key in s:
                    walk(s[key])
    for body in prog["tasks"].values():
        walk(body)
    walk(prog["main"])
    return out


def valid(prog):
    """Every handle a main step names is spawned before it; callbacks cancelled exist."""
    seen = set()
    cbs = set()
    gathers = set()

    def walk(steps):
        for s in steps:
            if s["k"] in ("spawn", "tg_spawn"):
                if s["h"] in seen:
                    return False
                seen.add(s["h"])
                continue
            if s["k"] in ("call_soon", "call_later"):
                if not walk(s["body"]):
                    return False
                cbs.add(s["id"])
                continue
            if s["k"] == "gather_calls":
                if set(s["hs"]) & seen:
                    return False
                seen.update(s["hs"])
                continue
            if s["k"] == "cancel_cb" and s["cb"] not in cbs:
                return False
            if s["k"] == "gather_hold":
                gathers.add(s["id"])
            if s["k"] in ("gather_cancel", "gather_done", "gather_await") and s["g"] not in gathers:
                return False
            if s["k"] in ("done_cb", "done_cb_fn", "remove_cb") and s["target"].startswith("h") and s["target"] not in seen:
                return False
            if s["k"] == "done_cb_fn":
                cbs.add(("fn", s["id"]))
            if s["k"] == "remove_cb" and ("fn", s["id"]) not in cbs:
                return False
            if s["k"] == "task_group":
                if not walk(s["body"]):
                    return False
                continue
            if not handles(s) <= seen:
                return False
            if "body" in s and not walk(s["body"]):
                return False
        return True
    if not walk(prog["main"]):
        return False
    plain = plain_in_order(prog["main"])
    order = spawned_in(prog["main"])
    siblings = {tuple(x) for x in prog.get("siblings", [])}

    def fits(name, h):
        if (("h" + name[1:]), h) in siblings:
            # A TaskGroup child naming its sibling, spawned before it.
            return h in order and order.index(h) < order.index("h" + name[1:])
        return h in plain and int(h[1:]) < int(name[1:])
    for name, body in prog["tasks"].items():
        if "h" + name[1:] in seen and not all(fits(name, h) for h in task_refs(body)):
            return False
    # Reschedule steps need their timeout around them.
    def walk_cm(steps, cms):
        for s in steps:
            if s["k"] == "reschedule" and s["cm"] not in cms:
                return False
            inner = cms | {s["id"]} if s["k"] == "timeout" else cms
            if "body" in s and not walk_cm(s["body"], inner):
                return False
        return True
    return all(walk_cm(b, set()) for b in list(prog["tasks"].values()) + [prog["main"]])


def candidates(prog):
    """Smaller programs: a task dropped, a step deleted, a block replaced by its body."""
    hs = spawned_in_order(prog["main"])
    for name in list(prog["tasks"]):
        c = json.loads(json.dumps(prog))
        h = "h" + name[1:]
        del c["tasks"][name]
        c["main"] = strip_handle(c["main"], h)
        for t in c["tasks"]:
            c["tasks"][t] = strip_handle(c["tasks"][t], h)
        yield c
    if prog["nfut"] > 1:
        c = json.loads(json.dumps(prog))
        c["nfut"] = 1
        if "f1" not in json.dumps(c["tasks"]) + json.dumps(c["main"]):
            yield c
    if prog.get("eager"):
        c = json.loads(json.dumps(prog))
        del c["eager"]
        yield c
    nblocks = len(blocks(prog))
    for bi in range(nblocks):
        n = len(blocks(prog)[bi])
        for si in range(n):
            c = json.loads(json.dumps(prog))
            del blocks(c)[bi][si]
            yield c
            s = blocks(prog)[bi][si]
            if s.get("eager"):
                c = json.loads(json.dumps(prog))
                del blocks(c)[bi][si]["eager"]
                yield c
            if "body" in s and s["k"] not in ("task_group",):
                c = json.loads(json.dumps(prog))
                lst = blocks(c)[bi]
                lst[si:si + 1] = lst[si]["body"]
                yield c
            if s["k"] == "sleep" and s["d"] not in (0,):
                c = json.loads(json.dumps(prog))
                blocks(c)[bi][si]["d"] = 0
                yield c
    _ = hs


def strip_handle(steps, h):
    out = []
    for s in steps:
        if s.get("h") == h or (s["k"] in ("done_cb", "done_cb_fn", "remove_cb") and s["target"] == h):
            continue
        if "hs" in s:
            s["hs"] = [x for x in s["hs"] if x != h]
            if not s["hs"]:
                continue
        if "body" in s:
            s["body"] = strip_handle(s["body"], h)
        out.append(s)
    return out


def size(prog):
    return len(json.dumps(prog))


def signature(res):
    """The first line where the traces part (CPython's and simloop's), labels and all."""
    _, py, sm, _ = res
    i = next((i for i, (a, b) in enumerate(zip(py, sm)) if a != b), min(len(py), len(sm)))
    def text(lines):
        return lines[i].split(" ", 1)[-1] if i < len(lines) else None
    return (text(py), text(sm))


def shrink(runner, prog, log):
    """Deletes what it can while the traces still part at the same line."""
    first = runner.compare(prog)
    want = signature(first)
    best = prog
    changed = True
    tries = 0
    while changed:
        changed = False
        for c in candidates(best):
            if not valid(c) or size(c) >= size(best):
                continue
            tries += 1
            res = runner.compare(c)
            if res is not None and res[0] == "diff" and signature(res) == want:
                best = c
                changed = True
                log(f"  shrunk to {size(best)} bytes")
                break
    return best, tries


# --- main -----------------------------------------------------------------------------


def save(runner, out, prog, res, shrunk_from):
    os.makedirs(out, exist_ok=True)
    stem = os.path.join(out, f"diff-{prog['seed']}-{prog['idx']}")
    with open(stem + ".json", "w") as f:
        json.dump(prog, f, indent=1)
    with open(stem + ".py", "w") as f:
        f.write(render_py(prog))
    with open(stem + ".toml", "w") as f:
        f.write(render_toml(prog))
    _, py, sm, se = res
    with open(stem + ".python.out", "w") as f:
        f.write("\n".join(py) + "\n")
    with open(stem + ".sim.out", "w") as f:
        f.write("\n".join(sm) + "\n")
        f.write("--- sim stderr ---\n" + se)
    heap, _ = runner.python_trace(render_py(prog), ties="heapq")
    if heap is not None and heap != py:
        with open(stem + ".heapq.out", "w") as f:
            f.write("\n".join(heap) + "\n")
    with open(stem + ".note", "w") as f:
        f.write(f"shrunk from {shrunk_from} bytes to {size(prog)}\n")
    return stem


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--count", type=int, default=100, help="programs to run (0: until a difference)")
    ap.add_argument("--start", type=int, default=0, help="first program index")
    ap.add_argument("--out", default="target/differential", help="where differences are saved")
    ap.add_argument("--python", default=PY312 if os.path.exists(PY312) else "python3")
    ap.add_argument("--sim", default=os.path.join(ROOT, "target", "debug", "sim"))
    ap.add_argument("--ties", default="fifo", choices=["fifo", "heapq"])
    ap.add_argument("--keep-going", action="store_true", help="save every difference, do not stop")
    ap.add_argument("--no-shrink", action="store_true")
    ap.add_argument("--replay", help="a saved .json program: run it and show both traces")
    ap.add_argument("--print", action="store_true", help="print the program pair and exit")
    a = ap.parse_args()
    runner = Runner(a.python, a.sim, a.ties)

    def log(msg):
        print(msg, flush=True)

    if a.replay:
        with open(a.replay) as f:
            prog = json.load(f)
        res = runner.compare(prog)
        if res is None:
            log("same")
            return 0
        if res[0] == "invalid":
            log(f"invalid: {res[1]}")
            return 2
        _, py, sm, se = res
        log("--- CPython\n" + "\n".join(py) + "\n--- sim\n" + "\n".join(sm) + "\n--- sim stderr\n" + se)
        return 1
    if a.print:
        prog = generate(a.seed, a.start)
        print(render_py(prog))
        print(render_toml(prog))
        return 0
    n = same = invalid = found = 0
    knowns = {}
    idx = a.start
    while a.count == 0 or n < a.count:
        prog = generate(a.seed, idx)
        n += 1
        res = runner.compare(prog)
        if res is None:
            same += 1
        elif res[0] == "invalid":
            invalid += 1
            log(f"program {idx}: invalid: {res[1].strip().splitlines()[-1] if res[1].strip() else '?'}")
        elif (why := known(runner, prog, res)) is not None:
            knowns[why] = knowns.get(why, 0) + 1
            log(f"program {idx}: known difference ({why})")
        else:
            found += 1
            log(f"program {idx}: DIFFERENCE")
            small, tries = (prog, 0) if a.no_shrink else shrink(runner, prog, log)
            res = runner.compare(small)
            stem = save(runner, a.out, small, res, size(prog))
            log(f"  saved {stem}.py/.toml ({tries} shrink runs)")
            if not a.keep_going:
                break
        if n % 50 == 0:
            log(f"{n} programs: {same} same, {found} different, {invalid} invalid, known {knowns}")
        idx += 1
    log(f"done: {n} programs (seed {a.seed}, from {a.start}): {same} same, {found} different, "
        f"{invalid} invalid, known {knowns}")
    shutil.rmtree(runner.dir, ignore_errors=True)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
