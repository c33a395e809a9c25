"""The differential fuzzer's grammar: random programs as step trees (see
scripts/differential.py and differential_render.py for what each kind means)."""

import json
import random

from differential_shapes import (counts_and_names, held_gathers, queue_timeouts, shielded_gathers,
                                 sibling_cancels, timed_groups)


# Durations are multiples of 1/8 s, so equal deadlines are exactly equal.
DURATIONS = [0, 0.125, 0.25, 0.25, 0.375, 0.5, 0.5, 0.75, 1.0]
SHORT = [0, 0.125, 0.25, 0.5]


# --- generation -----------------------------------------------------------------------


class Gen:
    """Draws one program from the grammar with its own `random.Random`."""

    def __init__(self, rng, nfut):
        self.r = rng
        self.n = 0
        self.nfut = nfut
        # Templates spawned by tasks (children, grandchildren) and TaskGroup children of
        # tasks: {index: (level, quiet)}, their bodies drawn after main's and the tasks'.
        self.extra = {}
        self.next_task = 0
        self.quiet = set()  # task indexes whose bodies are quiet (see quiet_block)
        self.nofail = set()  # quiet task indexes that never raise
        self.late = None  # the task whose handle main sets into `fh` (see "late_await")

    def lab(self, who):
        self.n += 1
        return f"{who}.{self.n}"

    def uid(self):
        self.n += 1
        return self.n

    def fut(self):
        return f"f{self.r.randrange(self.nfut)}"

    def simple(self, who, in_cb=False):
        """A step that never awaits (fit for a callback too)."""
        r = self.r
        kinds = ["log", "log_state", "incr", "release", "set_event", "clear_event", "put_nowait",
                 "get_nowait", "task_done", "fut_set", "fut_set_exc", "fut_cancel"]
        if not in_cb:
            kinds += ["log_time", "log", "fail"]
        k = r.choice(kinds)
        s = {"k": k, "lab": self.lab(who)}
        if k.startswith("fut_"):
            s["f"] = self.fut()
        return s

    def step(self, who, depth, ctx):
        """A step of a task's body (or of main's, which adds its own kinds)."""
        r = self.r
        x = r.random()
        if x < 0.22:
            return {"k": "sleep", "d": r.choice(DURATIONS)}
        if ctx.get("refs") and x < 0.30:
            # Another task, spawned before this one: awaited or cancelled.
            h = r.choice(ctx["refs"])
            if r.random() < 0.6:
                return {"k": "task_await", "h": h, "lab": self.lab(who)}
            return {"k": "task_cancel", "h": h, "lab": self.lab(who), "msg": r.random() < 0.5}
        if ctx.get("late") and x < 0.33:
            # A task awaiting a task spawned after it, handed over through the future `fh`.
            return self.caught({"k": "late_await", "lab": self.lab(who)}, who)
        if depth >= 2 and x >= 0.40 and depth < 3 and r.random() < 0.4:
            # Timeouts nest three deep (inner and outer expiring in one pass included).
            return self.timed(r.choice(["wait_for", "timeout"]), who, depth, ctx)
        if x < 0.40 or depth >= 2:
            return self.simple(who)
        kinds = ["with_lock", "with_sem", "wait_event", "notify", "notify_all", "cond_wait",
                 "cond_wait_for", "barrier", "abort_barrier", "reset_barrier", "put", "get",
                 "join", "fut_await", "try", "try", "on_cancel", "wait_for", "timeout",
                 "shield", "acquire_timeout", "acquire_timeout"]
        if ctx.get("refs"):
            kinds += ["gather_refs", "wait_refs", "shield_task", "cancelling"]
        if not ctx.get("no_catch"):
            kinds += ["catch", "catch"]
        if depth == 0 and ctx.get("level", 0) < 2 and self.next_task < 12:
            kinds += ["spawn_child", "spawn_child", "group_in_task"]
        k = r.choice(kinds)
        lab = self.lab(who)
        if k == "catch":
            return self.catch_own(who, depth, ctx, lab)
        if k == "acquire_timeout":
            # wait_for(L.acquire(), d), then steps that never await, then release.
            body = [self.simple(who, in_cb=True) for _ in range(r.randint(0, 2))]
            return {"k": k, "prim": r.choice(["L", "S"]), "d": r.choice(SHORT[1:] + [0.75, 1.0]),
                    "id": self.uid(), "lab": lab, "body": body}
        if k == "gather_refs":
            hs = r.sample(ctx["refs"], r.randint(1, min(3, len(ctx["refs"]))))
            return self.caught({"k": "gather", "hs": hs, "lab": lab, "re": r.random() < 0.5}, who)
        if k == "wait_refs":
            hs = r.sample(ctx["refs"], r.randint(1, min(4, len(ctx["refs"]))))
            return self.caught({"k": "wait", "hs": hs, "lab": lab,
                                "when": r.choice(["FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"]),
                                "to": r.choice([None, None, 0.25, 0.5, 1.0])}, who)
        if k == "shield_task":
            return self.caught({"k": "shield_await", "h": r.choice(ctx["refs"]), "lab": lab}, who)
        if k == "cancelling":
            h = r.choice(ctx["refs"])
            return {"k": "log_cancelling", "h": h, "lab": lab}
        if k == "spawn_child":
            # A task spawning a task (and it a third level): the child names no other task
            # and logs nothing when cancelled (no on_cancel), so an orphan left running at
            # main's end prints nothing in simloop's teardown.
            j = self.new_extra(ctx.get("level", 0) + 1, False)
            return {"k": "child", "h": f"h{j}", "lab": lab, "await": r.random() < 0.7}
        if k == "group_in_task":
            # A TaskGroup in a task: main may cancel the task, so the group's body is
            # cancelled from outside. Its children are quiet (several of them are cancelled
            # in a set's order, rule 12, which nothing observable may follow).
            group = []
            for _ in range(r.randint(1, 3)):
                j = self.new_extra(ctx.get("level", 0) + 1, True)
                group.append({"k": "tg_spawn", "h": f"h{j}"})
            if r.random() < 0.5:
                group.append(self.body_sleep(who, ctx))
            return {"k": "try", "err": None, "var": f"e{self.uid()}", "lab": lab,
                    "body": [{"k": "task_group", "id": self.uid(), "body": group}]}
        if k in ("with_lock", "with_sem"):
            return {"k": "with", "prim": "L" if k == "with_lock" else "S",
                    "body": self.block(who, depth + 1, ctx, 1, 3)}
        if k == "notify":
            return {"k": k, "n": r.choice([1, 2])}
        if k == "cond_wait_for":
            return {"k": k, "n": r.choice([1, 2, 3])}
        if k in ("barrier", "get", "put", "fut_await"):
            s = {"k": k, "lab": lab}
            if k == "fut_await":
                s["f"] = self.fut()
                # A failed or cancelled future raises: caught by kind, never CancelledError.
                return {"k": "try", "err": None, "var": f"e{self.uid()}", "lab": self.lab(who),
                        "body": [s]}
            return s
        if k == "try":
            err = r.choice([None, "ValueError", "TimeoutError"])
            body = self.block(who, depth + 1, ctx, 1, 3)
            if r.random() < 0.4:
                body.append({"k": "fail", "lab": self.lab(who)})
            return {"k": "try", "err": err, "var": f"e{self.uid()}", "lab": lab, "body": body}
        if k == "on_cancel":
            if ctx.get("no_on_cancel"):
                return {"k": "log", "lab": lab}
            return {"k": "on_cancel", "lab": lab, "body": self.block(who, depth + 1, ctx, 1, 3)}
        if k in ("wait_for", "timeout"):
            return self.timed(k, who, depth, ctx)
        if k == "shield":
            return {"k": "shield", "id": self.uid(),
                    "body": self.block(who, depth + 1, dict(ctx, no_on_cancel=True), 1, 3)}
        return {"k": k, "lab": lab}

    def catch_own(self, who, depth, ctx, lab):
        """`except CancelledError` around a block, which catches the task's own
        cancellation too (a timeout's expiry, a TaskGroup's abort): the task goes on, returns
        (only at its body's top level, not inside a `wait_for` or `shield` coroutine),
        cleans up with a sleep, or uncancels."""
        r = self.r
        how = r.choice(["go_on", "return", "await", "uncancel"])
        if how == "return" and depth > 0:
            how = "go_on"
        return {"k": "catch", "how": how, "lab": lab, "var": f"e{self.uid()}",
                "d": r.choice(SHORT), "body": self.block(who, depth + 1, ctx, 1, 3)}

    def caught(self, s, who):
        """Awaiting tasks raises what they ended with: caught by kind, and a CancelledError
        that is not the task's own (its `cancelling()` did not grow) logged."""
        s["catch"] = True
        return {"k": "try", "err": None, "var": f"e{self.uid()}", "lab": self.lab(who), "body": [s]}

    def new_extra(self, level, quiet):
        j = self.next_task
        self.next_task += 1
        self.extra[j] = (level, quiet)
        return j

    def timed(self, k, who, depth, ctx):
        """A `wait_for` or `timeout` around a block, its TimeoutError caught."""
        r = self.r
        inner = dict(ctx, timed=True)
        d = r.choice(SHORT + [0.75, 1.0])
        if k == "wait_for" and d == 0:
            # Zero timeouts are drawn by `zero_wait_fors`, after every other draw (this
            # draw avoided them while simloop's zero `wait_for` was a known difference).
            d = 0.125
        s = {"k": k, "id": self.uid(), "d": d, "body": self.block(who, depth + 1, inner, 1, 3)}
        if k == "timeout":
            if r.random() < 0.15:
                s["d"] = None
            s["at"] = r.random() < 0.3
            if r.random() < 0.35:
                s["body"].insert(r.randrange(len(s["body"]) + 1),
                                 {"k": "reschedule", "cm": s["id"], "lab": self.lab(who),
                                  "d": r.choice(SHORT + [0.75])})
        return {"k": "try", "err": "TimeoutError", "var": f"e{self.uid()}", "lab": self.lab(who),
                "body": [s]}

    def block(self, who, depth, ctx, lo, hi):
        if ctx.get("quiet"):
            return self.quiet_block(who, lo, hi, not ctx.get("nofail"))
        out = []
        for _ in range(self.r.randint(lo, hi)):
            s = self.step(who, depth, ctx)
            out.append(s)
            if s["k"] not in ("log", "log_time", "log_state", "incr") and self.r.random() < 0.2:
                # loop.time() after every kind of wake-up.
                out.append({"k": "log_time", "lab": self.lab(who)})
        return out

    def quiet_block(self, who, lo, hi, fail=True):
        """Sleeps, logs and a failure: nothing a cancellation's order could show."""
        r = self.r
        out = []
        for _ in range(r.randint(lo, hi)):
            k = r.choice(["sleep", "sleep", "sleep", "log", "log_time", "incr", "fail"])
            if k == "fail" and not fail:
                k = "log"
            if k == "sleep":
                out.append({"k": "sleep", "d": r.choice(DURATIONS)})
            else:
                out.append({"k": k, "lab": self.lab(who)})
            if k == "fail":
                break
        return out

    def task(self, i, refs, level=0, quiet=False):
        who = f"t{i}"
        ctx = {"refs": refs, "level": level}
        if quiet or i in self.quiet:
            ctx["quiet"] = True
        if i in self.nofail:
            ctx["nofail"] = True
        if level > 0:
            ctx["no_on_cancel"] = True
        if self.late is not None and i != self.late and level == 0 and self.r.random() < 0.5:
            ctx["late"] = True
        body = self.block(who, 0, ctx, 1, 8)
        for s in list(body):
            if s["k"] == "child" and s["await"]:
                # The parent awaits its child at its end (a child not awaited may outlive it).
                body.append({"k": "task_await", "h": s["h"], "lab": self.lab(who)})
        if not ctx.get("quiet") and level == 0 and self.r.random() < 0.5:
            body = [{"k": "on_cancel", "lab": self.lab(who), "body": body}]
        body.append({"k": "return", "lab": f"r{i}"})
        return body

    def main(self, ntasks):
        r = self.r
        steps = []
        self.plain = []  # handles of create_task: every combinator takes them
        self.group = []  # TaskGroup children: awaited and cancelled, never combined
        self.unspawned = list(range(ntasks))
        cbs = []
        while self.unspawned or r.random() < 0.75:
            if len(steps) > 10 + 2 * ntasks:
                break
            x = r.random()
            spawned = self.plain + self.group
            if self.unspawned and (x < 0.3 or not spawned):
                if r.random() < 0.2:
                    steps.append({"k": "try", "err": None, "var": f"e{self.uid()}",
                                  "lab": self.lab("main"), "body": [self.main_group(0)]})
                    continue
                i = self.unspawned.pop(0)
                steps.append({"k": "spawn", "h": f"h{i}"})
                self.plain.append(f"h{i}")
                if i == self.late:
                    # Tasks spawned before it await it through the future `fh`.
                    steps.append({"k": "fut_set_task", "f": "fh", "h": f"h{i}", "lab": self.lab("main")})
                continue
            steps += self.main_step(cbs)
        return steps

    def main_group(self, level, exposed=True):
        """`async with TaskGroup()` in main: up to two children of any kind, or up to four
        quiet ones (CPython cancels a group's children in a set's order, rule 12, so only
        children whose cancellation shows nothing may be more than two, or beside a failing
        body), and a group nested in its body. Main's later steps may name the children
        only when `exposed`: a nested group after a sleep in the outer body may never
        start, a child's failure interrupting the body first, and its handles stay unbound
        (CPython's `UnboundLocalError`, the scenario's `NameError`: seed 5002, program 274;
        seed 6000, programs 130 and 342)."""
        r = self.r
        group = []
        n = r.randint(1, min(4, len(self.unspawned)))
        quiet = n > 2 or (level > 0 and n > 1) or r.random() < 0.3
        for _ in range(n):
            i = self.unspawned.pop(0)
            group.append({"k": "tg_spawn", "h": f"h{i}"})
            if exposed:
                self.group.append(f"h{i}")
            if quiet:
                self.quiet.add(i)
        slept = r.random() < 0.5
        if slept:
            group.append(self.body_sleep("main", {}))
        if level == 0 and self.unspawned and r.random() < 0.25:
            # A nested group's children are quiet when several: the outer abort cancels the
            # body, whose group then cancels them in a set's order. The outer children may
            # fail while the body waits in the inner group's exit (case 714).
            for c in [c for c in group if c["k"] == "tg_spawn"]:
                self.quiet.add(int(c["h"][1:]))
            group.append({"k": "try", "err": None, "var": f"e{self.uid()}",
                          "lab": self.lab("main"), "body": [self.main_group(1, not slept)]})
        elif (n == 1 or quiet) and r.random() < 0.3:
            group.append({"k": "fail", "lab": self.lab("main")})
        return {"k": "task_group", "id": self.uid(), "body": group}

    def body_sleep(self, who, ctx):
        """A TaskGroup body's sleep, sometimes in an `except CancelledError` that logs and
        re-raises (the task's cancellation, or a child failure's interrupt: `__aexit__` then
        cancels the children and waits for them before raising it on, case 717)."""
        r = self.r
        sleep = {"k": "sleep", "d": r.choice(SHORT)}
        if not ctx.get("no_on_cancel") and r.random() < 0.4:
            return {"k": "catch", "how": "reraise", "lab": self.lab(who), "var": f"e{self.uid()}",
                    "d": 0, "body": [sleep]}
        return sleep

    def callback(self, k, spawned, level):
        """A `call_soon`, `call_later` or `call_at` callback; one may arm another."""
        r = self.r
        body = [self.simple("cb", in_cb=True) for _ in range(r.randint(1, 3))]
        if spawned and r.random() < 0.3:
            body.append({"k": "cancel", "h": r.choice(spawned), "lab": self.lab("cb"),
                         "msg": r.random() < 0.5})
        if level < 2 and r.random() < 0.3:
            body.insert(r.randrange(len(body) + 1),
                        self.callback(r.choice(["call_soon", "call_later", "call_at"]), spawned, level + 1))
        s = {"k": k, "id": self.uid(), "body": body}
        if k != "call_soon":
            s["d"] = r.choice(DURATIONS)
        return s

    def main_step(self, cbs):
        r = self.r
        x = r.random()
        lab = self.lab("main")
        spawned = self.plain + self.group
        if x < 0.15:
            return [{"k": "sleep", "d": r.choice(DURATIONS)}]
        if x < 0.25:
            s = self.simple("main")
            return [s] if s["k"] != "fail" else []
        if x < 0.35:
            return [self.step("main", 1, {"no_on_cancel": True})]
        k = r.choice(["await", "cancel", "cancel", "gather", "wait", "as_completed",
                      "wait_for_task", "call_soon", "call_later", "done_cb", "cancel_cb",
                      "call_at", "cancelling"])
        if k == "cancelling":
            return [{"k": "log_cancelling", "h": r.choice(spawned), "lab": lab}]
        if k == "cancel_cb" and not cbs:
            k = "call_later"
        if k in ("gather", "wait", "wait_for_task") and not self.plain:
            k = "await"
        if k == "as_completed" and not self.unspawned:
            k = "cancel"
        if k == "gather" and self.unspawned and r.random() < 0.6:
            k = "gather_calls"
        pre = []
        if k in ("call_soon", "call_later", "call_at"):
            s = self.callback(k, spawned, 0)
            cbs.append(s["id"])
            return [s]
        if k == "cancel_cb":
            return [{"k": "cancel_cb", "cb": r.choice(cbs)}]
        if k == "done_cb":
            target = r.choice(self.plain + [self.fut()])
            return [{"k": "done_cb", "id": self.uid(), "target": target, "lab": lab}]
        if k == "cancel":
            return [{"k": "cancel", "h": r.choice(spawned), "lab": lab, "msg": r.random() < 0.5}]
        if k == "await":
            s = {"k": k, "h": r.choice(spawned), "lab": lab}
        elif k == "wait_for_task":
            s = {"k": k, "h": r.choice(self.plain), "lab": lab, "d": r.choice(SHORT[1:] + [0.75]),
                 "shield": r.random() < 0.5, "id": self.uid()}
        elif k == "gather_calls":
            # gather(t1(), t2()): the coroutines wrapped in tasks of gather's own.
            hs = []
            for _ in range(r.randint(1, min(2, len(self.unspawned)))):
                hs.append(f"h{self.unspawned.pop(0)}")
            # Always return_exceptions: a child gather gave up on has no handle, so main's end
            # would leave it pending (CPython's Runner cancels it at close, which the
            # wrapper does not run; simloop's teardown does, Drop guards logging).
            r.random()
            s = {"k": k, "hs": hs, "lab": lab, "re": True}
        elif k == "as_completed":
            # Over tasks spawned just before: CPython registers its callbacks in a set's
            # order, so tasks already done when it starts come out in memory order (rule 12).
            hs = []
            for _ in range(r.randint(1, min(4, len(self.unspawned)))):
                i = self.unspawned.pop(0)
                pre.append({"k": "spawn", "h": f"h{i}"})
                self.plain.append(f"h{i}")
                hs.append(f"h{i}")
            s = {"k": k, "hs": hs, "lab": lab, "to": r.choice([None, None, 0.25, 0.5, 1.0])}
        else:
            hs = r.sample(self.plain, r.randint(1, min(5, len(self.plain))))
            if k == "gather":
                s = {"k": k, "hs": hs, "lab": lab, "re": r.random() < 0.5}
            else:
                s = {"k": k, "hs": hs, "lab": lab,
                     "when": r.choice(["FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"]),
                     "to": r.choice([None, None, 0.25, 0.5, 1.0])}
        # Awaiting a task raises what it ended with: caught by kind.
        inner = {"k": "try", "err": None, "var": f"e{self.uid()}", "lab": self.lab("main"), "body": [s]}
        return pre + [{"k": "try", "err": "CancelledError", "var": f"e{self.uid()}",
                       "lab": self.lab("main"), "body": [inner]}]


def generate(seed, idx):
    r = random.Random(f"{seed}:{idx}")
    nfut = r.randint(1, 2)
    g = Gen(r, nfut)
    ntasks = r.randint(1, 4) if r.random() < 0.6 else r.randint(5, 8)
    g.next_task = ntasks
    if ntasks > 1 and r.random() < 0.3:
        g.late = ntasks - 1
    main = g.main(ntasks)
    # The task main hands over through `fh` names no other task: one awaiting a task that
    # awaits it through `fh` is a cycle, which CPython's cancellation recurses around
    # (RecursionError, seed 2100, program 998).
    tasks = {f"t{i}": g.task(i, [h for h in g.plain if int(h[1:]) < i and i != g.late])
             for i in range(ntasks)}
    done = set()
    while set(g.extra) - done:
        # Templates spawned by tasks, drawn as their parents' bodies name them.
        for j in sorted(set(g.extra) - done):
            level, quiet = g.extra[j]
            tasks[f"t{j}"] = g.task(j, [], level, quiet)
            done.add(j)
    prims = {
        "S": {"value": r.randint(1, 2), "bounded": r.random() < 0.3},
        "Q": {"maxsize": r.choice([0, 1, 2])},
        "B": {"parties": r.randint(2, 3)},
    }
    # Drawn last, so that the programs of earlier versions keep their other draws.
    prims["Q"]["kind"] = r.choice(["fifo", "fifo", "lifo", "priority"])
    text = json.dumps([tasks, main])
    if '"release"' in text and '"prim": "S"' in text:
        # An over-release in `async with S`'s exit while a cancellation unwinds replaces
        # the CancelledError in asyncio; a Drop guard cannot raise (the known limit).
        prims["S"]["bounded"] = False
    # cancelling() of a task whose TaskGroup was aborted by a child's failure: CPython 3.12
    # leaves the abort's request counted once the group raised (its `__aexit__` swallows
    # the CancelledError without the `uncancel()`), 3.13 and simloop do not. Such reads log
    # a plain line instead.
    grouped = {f"h{name[1:]}" for name, body in tasks.items() if '"task_group"' in json.dumps(body)}

    def plain_reads(steps):
        for i, s in enumerate(steps):
            if s["k"] == "log_cancelling" and s["h"] in grouped:
                steps[i] = {"k": "log", "lab": s["lab"]}
            plain_reads(s.get("body", []))
    plain_reads(main)
    for body in tasks.values():
        plain_reads(body)
    prog = {"seed": seed, "idx": idx, "nfut": nfut, "prims": prims, "tasks": tasks, "main": main}
    if g.late is not None:
        prog["late"] = True
    eager_starts(r, prog)
    eager_as_completed(prog)
    callbacks_and_names(r, g, prog)
    gathers_of_futures(r, g, prog)
    zero_wait_fors(r, prog)
    callbacks_cancelling_tasks(r, g, prog)
    event_pulses(r, g, prog)
    held_gathers(r, g, prog)
    counts_and_names(r, g, prog)
    queue_timeouts(r, g, prog)
    sibling_cancels(r, g, prog)
    timed_groups(r, g, prog)
    shielded_gathers(r, g, prog)
    return prog


# Steps that never suspend, or only sleep: an eager `wait_for(block, 0)` runs the block's
# first step inside the wrapper task, then cancels it; simloop drops the block there, where
# asyncio throws the cancellation into the wrapper at its next turn, so a block that holds a
# lock, catches the cancellation or logs it differs in when (see zero_wait_fors).
ZERO_SAFE = {"sleep", "log", "log_state", "log_time", "incr", "release", "set_event",
             "clear_event", "put_nowait", "get_nowait", "task_done", "fut_set", "fut_set_exc",
             "fut_cancel", "fail"}


def zero_safe(steps):
    return all(s["k"] in ZERO_SAFE and zero_safe(s.get("body", [])) for s in steps)


def zero_wait_fors(r, prog):
    """Round 25's shape (drawn after every other draw, so earlier programs keep theirs):
    `wait_for(block, 0)`, asyncio's `_cancel_and_wait` (case 769), in about a third of the
    programs that have a `wait_for` of a block or of a task: each such step's timeout is
    made zero with probability one half. With eager tasks on, the block's first step runs
    in the wrapper (case 780): only blocks of `ZERO_SAFE` steps, and no `wait_for` of a
    task (its coroutine would forward the wrapper's cancellation to the task)."""
    if r.random() >= 0.35:
        return
    eager = prog.get("eager", False)

    def walk(steps):
        for s in steps:
            if s["k"] == "wait_for" and r.random() < 0.5:
                if not eager or zero_safe(s["body"]):
                    s["d"] = 0
            elif s["k"] == "wait_for_task" and r.random() < 0.5 and not eager:
                s["d"] = 0
            walk(s.get("body", []))
    walk(prog["main"])
    for body in prog["tasks"].values():
        walk(body)


def callbacks_cancelling_tasks(r, g, prog):
    """Round 25's shape: a named done-callback (on a task or a future of main's) that
    cancels another of main's tasks, with or without a message, in a fifth of the programs
    that have one."""
    if r.random() >= 0.2:
        return
    main = prog["main"]
    for i, s in enumerate(main):
        if s["k"] != "done_cb_fn":
            continue
        spawned = [t["h"] for t in main[:i] if t["k"] == "spawn" and t["h"] != s["target"]]
        if spawned:
            s["body"].append({"k": "cancel", "h": r.choice(spawned), "lab": g.lab("cb"),
                              "msg": r.random() < 0.5})


def event_pulses(r, g, prog):
    """Round 25's shape: the Event set, cleared and set again (by main, or in a
    `call_soon` callback), while tasks may wait on it, in a fifth of the programs."""
    if r.random() >= 0.2:
        return
    main = prog["main"]
    i = r.randrange(len(main) + 1)
    pulse = [{"k": "set_event", "lab": g.lab("main")}, {"k": "clear_event", "lab": g.lab("main")},
             {"k": "log_state", "lab": g.lab("main")}, {"k": "set_event", "lab": g.lab("main")}]
    if r.random() < 0.5:
        pulse.insert(2, {"k": "sleep", "d": 0})
        main[i:i] = pulse
    else:
        main[i:i] = [{"k": "call_soon", "id": g.uid(), "body": pulse}]


def gathers_of_futures(r, g, prog):
    """Round 24's shape (drawn last, so that earlier draws stay): in a quarter of the
    programs, main gathers a future with up to two of its tasks (with or without
    `return_exceptions`), a `call_later` armed just before it setting the future's result
    or exception or cancelling it (set already: InvalidStateError, logged), so the gather
    ends. Main is never cancelled, so the known difference of a gather of futures
    cancelled through its caller (case 552) is not reached."""
    if r.random() >= 0.25:
        return
    main = prog["main"]
    spawns = [k for k, s in enumerate(main) if s["k"] == "spawn"]
    i = r.randrange(spawns[0] + 1, len(main) + 1) if spawns else r.randrange(len(main) + 1)
    tasks = [s["h"] for s in main[:i] if s["k"] == "spawn"]
    f = f"f{r.randrange(prog['nfut'])}"
    hs = r.sample(tasks, r.randint(0, min(2, len(tasks)))) + [f]
    r.shuffle(hs)
    how = r.choice(["fut_set", "fut_set", "fut_set_exc", "fut_cancel"])
    cb = {"k": "call_later", "id": g.uid(), "d": r.choice(SHORT),
          "body": [{"k": how, "f": f, "lab": g.lab("cb")}]}
    s = {"k": "gather", "hs": hs, "lab": g.lab("main"), "re": r.random() < 0.5}
    inner = {"k": "try", "err": None, "var": f"e{g.uid()}", "lab": g.lab("main"), "body": [s]}
    outer = {"k": "try", "err": "CancelledError", "var": f"e{g.uid()}", "lab": g.lab("main"),
             "body": [inner]}
    main[i:i] = [cb, outer]


def callbacks_and_names(r, g, prog):
    """Round 23's shapes (drawn after everything else, so that earlier draws stay): named
    done-callbacks on main's tasks and futures that set futures, events, the queue, cancel
    futures (asyncio's `add_done_callback(fn)`), some removed later
    (`remove_done_callback(fn)`, its count logged); `get_name()` of main's tasks (the
    scenario language has no `current_task.get_name()` to read a task's own)."""
    main = prog["main"]
    for _ in range(r.choice([0, 0, 1, 1, 2])):
        i = r.randrange(len(main) + 1)
        targets = [s["h"] for s in main[:i] if s["k"] == "spawn"] + [f"f{j}" for j in range(prog["nfut"])]
        target = r.choice(targets)
        cid = g.uid()
        body = [g.simple("cb", in_cb=True) for _ in range(r.randint(1, 2))]
        add = {"k": "done_cb_fn", "id": cid, "target": target, "lab": g.lab("main"), "body": body}
        steps = [add]
        if r.random() < 0.5:
            steps.append({"k": "remove_cb", "id": cid, "target": target, "lab": g.lab("main")})
        main[i:i] = steps
    if r.random() < 0.3:
        spawned = [k for k, s in enumerate(main) if s["k"] == "spawn"]
        if spawned:
            k = r.choice(spawned)
            main.insert(k + 1 + r.randrange(len(main) - k), {"k": "log_name", "h": main[k]["h"], "lab": g.lab("main")})


def eager_as_completed(prog):
    """An eager start may end a task in `create_task`, so `as_completed` over tasks spawned
    just before it may find several done, which CPython yields in a set's order (rule 12;
    seed 8400, program 348): in a program with eager starts it runs over one task."""
    text = json.dumps(prog["main"])
    if not prog.get("eager") and '"eager": true' not in text:
        return
    def walk(steps):
        for s in steps:
            if s["k"] == "as_completed":
                s["hs"] = s["hs"][:1]
            walk(s.get("body", []))
    walk(prog["main"])


def eager_starts(r, prog):
    """Eager tasks (asyncio 3.12's `eager_task_factory`, drawn last so that the programs of
    earlier versions keep their other draws): a quarter of the programs turn the factory on
    for every task made after main's start (create_task, TaskGroup children, gather's and
    shield's tasks); a tenth start some `create_task` spawns (main's and the tasks'
    children) eagerly one by one."""
    x = r.random()
    if x < 0.25:
        prog["eager"] = True
        return
    if x >= 0.35:
        return

    def walk(steps):
        for s in steps:
            if s["k"] in ("spawn", "child") and r.random() < 0.5:
                s["eager"] = True
            walk(s.get("body", []))
    walk(prog["main"])
    for body in prog["tasks"].values():
        walk(body)
