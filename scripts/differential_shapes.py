"""Round 26's shapes for the differential fuzzer's grammar (scripts/differential_gen.py
calls them after every other draw, so that the programs of earlier versions keep theirs):
gathers held as values (cancelled, awaited under `wait_for`), cancellation counts and
names read inside tasks, queue operations under `wait_for`, a TaskGroup child cancelling or
awaiting its sibling, timeouts around TaskGroups, and shielded gathers under timeouts."""

import json

SHORT = [0, 0.125, 0.25, 0.5]


def walk(steps, fn, path=()):
    """Calls `fn(steps, i, s, path)` on every step, depth first; `path` lists the kinds of
    the steps around it."""
    for i, s in enumerate(list(steps)):
        fn(steps, i, s, path)
        if "body" in s:
            walk(s["body"], fn, path + (s,))


def held_gathers(r, g, prog):
    """`g = asyncio.gather(t1, t2, ...)` held as a value by main (in a fifth of the programs
    whose main spawned a task): other steps of main run while its children do, then
    `g.cancel()` (with or without a message, its return logged) in half of them, an
    `await g` under `wait_for` in a third of those without `return_exceptions`, `g.done()`
    read, and `await g` caught. Over main's own tasks only: a coroutine child
    has no handle for main's end to cancel. No done-callback on it: the scenario
    language's held gather has none (nor has simloop's gather)."""
    if r.random() >= 0.2:
        return
    main = prog["main"]
    spawns = [k for k, s in enumerate(main) if s["k"] == "spawn"]
    if not spawns:
        return
    i = r.randrange(spawns[0] + 1, len(main) + 1)
    tasks = [s["h"] for s in main[:i] if s["k"] == "spawn"]
    hs = r.sample(tasks, r.randint(1, min(3, len(tasks))))
    gid = g.uid()
    steps = [{"k": "gather_hold", "id": gid, "hs": hs, "re": r.random() < 0.5, "lab": g.lab("main")}]
    # Later steps of main (up to two) run before the gather is cancelled or awaited.
    j = min(len(main), i + r.randint(0, 2))
    later = []
    if r.random() < 0.5:
        later.append({"k": "sleep", "d": r.choice(SHORT)})
    if r.random() < 0.5:
        later.append({"k": "gather_cancel", "g": gid, "lab": g.lab("main"), "msg": r.random() < 0.5})
        if r.random() < 0.5:
            later.append({"k": "sleep", "d": 0})
    if r.random() < 0.3 and not steps[0]["re"]:
        # A first await under `wait_for` (its expiry cancels the gather, as `g.cancel()`).
        # Not of a `return_exceptions` gather: the scenario language's held gather does
        # not record its awaiter's cancellation as a `cancel()` (`gather_value.rs`), so
        # a later await lists the cancelled children where asyncio raises CancelledError
        # (seed 8602, program 225).
        s = {"k": "gather_await", "g": gid, "lab": g.lab("main")}
        timed = {"k": "wait_for", "id": g.uid(), "d": r.choice(SHORT[1:]), "body": [s]}
        inner = {"k": "try", "err": None, "var": f"e{g.uid()}", "lab": g.lab("main"), "body": [timed]}
        later.append({"k": "try", "err": "CancelledError", "var": f"e{g.uid()}", "lab": g.lab("main"),
                      "body": [inner]})
    later.append({"k": "gather_done", "g": gid, "lab": g.lab("main")})
    s = {"k": "gather_await", "g": gid, "lab": g.lab("main")}
    inner = {"k": "try", "err": None, "var": f"e{g.uid()}", "lab": g.lab("main"), "body": [s]}
    later.append({"k": "try", "err": "CancelledError", "var": f"e{g.uid()}", "lab": g.lab("main"),
                  "body": [inner]})
    main[j:j] = later
    main[i:i] = steps
    if any(s["k"] == "gather_cancel" or "wait_for" in json.dumps(s) for s in later):
        # The gather's cancellation ends its children at once: an `as_completed` after it
        # may find several done, which CPython yields in a set's order (rule 12; seed 8622,
        # program 14): it runs over one task, as in a program with eager starts.
        def one(steps, k, s, path):
            if s["k"] == "as_completed":
                s["hs"] = s["hs"][:1]
        walk(main[i:], one)


def grouped(body):
    return '"task_group"' in json.dumps(body)


def counts_and_names(r, g, prog):
    """Inside tasks (in a third of the programs): an `except CancelledError` logs the task's
    `cancelling()` as it catches, an `uncancel()` logs what it returns, and
    `current_task().get_name()` is logged here and there. Not in a task holding a
    TaskGroup (CPython 3.12 leaves a group abort's request counted, see generate()), and no
    name in a zero `wait_for` of an eager program (its block runs in asyncio's wrapper
    task, where simloop runs it inline)."""
    if r.random() >= 0.33:
        return
    eager = prog.get("eager", False)
    for name, body in prog["tasks"].items():
        if grouped(body):
            continue

        def mark(steps, i, s, path):
            if s["k"] == "catch":
                s["count"] = True
        walk(body, mark)
        blocks = []

        def collect(steps, i, s, path):
            if "body" in s and s["k"] not in ("call_soon", "call_later", "call_at", "done_cb_fn"):
                if not (eager and s["k"] == "wait_for" and s["d"] == 0):
                    if not any(p["k"] == "wait_for" and p["d"] == 0 for p in path) or not eager:
                        blocks.append(s["body"])
        blocks.append(body)
        walk(body, collect)
        for _ in range(r.randint(0, 2)):
            b = r.choice(blocks)
            b.insert(r.randrange(len(b) + 1), {"k": "log_name", "h": None, "lab": g.lab(name)})


def queue_timeouts(r, g, prog):
    """`wait_for(Q.get(), d)` and `wait_for(Q.put(x), d)` in tasks (in a quarter of the
    programs, half of their gets and puts): producers and consumers giving up, their
    `TimeoutError` caught."""
    if r.random() >= 0.25:
        return
    eager = prog.get("eager", False)

    def mark(steps, i, s, path):
        if s["k"] in ("get", "put") and r.random() < 0.5:
            if eager and any(p["k"] == "wait_for" and p["d"] == 0 for p in path):
                return
            steps[i] = {"k": "queue_timeout", "op": s["k"], "lab": s["lab"], "id": g.uid(),
                        "d": r.choice(SHORT[1:] + [0.75, 1.0])}
    for body in prog["tasks"].values():
        walk(body, mark)


def sibling_cancels(r, g, prog):
    """A TaskGroup of main's with two children that are not quiet: the second cancels
    (with or without a message) or awaits the first, at some point of its body (in half
    of the programs that have one)."""
    if r.random() >= 0.5:
        return

    def visit(steps, i, s, path):
        if s["k"] != "task_group":
            return
        kids = [c["h"] for c in s["body"] if c["k"] == "tg_spawn"]
        if len(kids) != 2 or any(int(h[1:]) in g.quiet for h in kids):
            return
        first, second = kids
        body = prog["tasks"].get("t" + second[1:])
        if body is None:
            return
        if r.random() < 0.6:
            step = {"k": "task_cancel", "h": first, "lab": g.lab("t" + second[1:]), "msg": r.random() < 0.5}
        else:
            step = {"k": "task_await", "h": first, "lab": g.lab("t" + second[1:])}
        # Inside its on_cancel wrapper, if it has one, before the final return.
        target = body[0]["body"] if body and body[0]["k"] == "on_cancel" else body
        end = len(target) - (1 if target and target[-1]["k"] == "return" else 0)
        target.insert(r.randrange(end + 1), step)
        prog.setdefault("siblings", []).append([second, first])
    walk(prog["main"], visit)


def timed_groups(r, g, prog):
    """A timeout (`timeout`, or `wait_for` of the group's block) around a TaskGroup of
    main's or of a task's, in a third of the programs that have one: the expiry cancels
    the body, and the group its children, in a set's order (rule 12), so only around
    groups with at most one child that is not quiet."""
    if r.random() >= 0.33:
        return

    def visitor(who, kinds):
        def visit(steps, i, s, path):
            if s["k"] != "task_group" or r.random() >= 0.6:
                return
            kids = [c["h"] for c in s["body"] if c["k"] == "tg_spawn"]
            loud = [h for h in kids if int(h[1:]) not in g.quiet]
            nested = '"task_group"' in json.dumps(s["body"])
            if len(loud) > 1 or (nested and loud):
                return
            d = r.choice(SHORT[1:] + [0.75, 1.0])
            steps[i] = {"k": "try", "err": "TimeoutError", "var": f"e{g.uid()}", "lab": g.lab(who),
                        "body": [{"k": r.choice(kinds), "id": g.uid(), "d": d, "body": [s]}]}
        return visit
    # Main names its groups' children later: only `timeout()`, whose block shares main's
    # scope (`wait_for`'s block is a coroutine of its own in the Python program).
    walk(prog["main"], visitor("main", ["timeout"]))
    for name, body in prog["tasks"].items():
        walk(body, visitor(name, ["timeout", "wait_for"]))


def shielded_gathers(r, g, prog):
    """`wait_for(shield(gather(...)), d)` in tasks that gather (a third of the programs):
    the gather of tasks spawned before runs in the shield's task, which the expiry leaves
    running (its log comes later); and `timeout()` around a shielded block that gathers."""
    if r.random() >= 0.33:
        return

    def visitor(who):
        def visit(steps, i, s, path):
            if s["k"] != "try" or not s["body"] or s["body"][0]["k"] != "gather" or r.random() >= 0.5:
                return
            if any(p["k"] == "shield" for p in path):
                return
            k = r.choice(["wait_for", "wait_for", "timeout"])
            d = r.choice(SHORT[1:] + [0.75])
            inner = {"k": "shield", "id": g.uid(), "body": [s]}
            steps[i] = {"k": "try", "err": "TimeoutError", "var": f"e{g.uid()}", "lab": g.lab(who),
                        "body": [{"k": k, "id": g.uid(), "d": d, "body": [inner]}]}
        return visit
    for name, body in prog["tasks"].items():
        walk(body, visitor(name))
