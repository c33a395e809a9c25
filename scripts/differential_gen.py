"""The differential fuzzer's grammar: random programs as step trees (see
scripts/differential.py and differential_render.py for what each kind means)."""

import json
import random


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
        if x < 0.40 or depth >= 2:
            return self.simple(who)
        kinds = ["with_lock", "with_sem", "wait_event", "notify", "notify_all", "cond_wait",
                 "cond_wait_for", "barrier", "abort_barrier", "reset_barrier", "put", "get",
                 "join", "fut_await", "try", "try", "on_cancel", "wait_for", "timeout",
                 "shield"]
        k = r.choice(kinds)
        lab = self.lab(who)
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
            inner = dict(ctx, timed=True)
            d = r.choice(SHORT + [0.75, 1.0])
            if k == "wait_for" and d == 0:
                # wait_for(coroutine, 0): CPython resumes the caller three slots later
                # (the wrapper task's cancelled step, the waiter's callback, the caller),
                # simloop two: a known difference (tests/conformance/README.md).
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
        if k == "shield":
            return {"k": "shield", "id": self.uid(),
                    "body": self.block(who, depth + 1, dict(ctx, no_on_cancel=True), 1, 3)}
        return {"k": k, "lab": lab}

    def block(self, who, depth, ctx, lo, hi):
        return [self.step(who, depth, ctx) for _ in range(self.r.randint(lo, hi))]

    def task(self, i, refs):
        who = f"t{i}"
        body = self.block(who, 0, {"refs": refs}, 1, 6)
        if self.r.random() < 0.5:
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
            if len(steps) > 14:
                break
            x = r.random()
            spawned = self.plain + self.group
            if self.unspawned and (x < 0.3 or not spawned):
                if r.random() < 0.2:
                    # At most two children, and a failing body only beside one: CPython
                    # cancels a group's children in a set's order (rule 12).
                    group = []
                    for _ in range(r.randint(1, min(2, len(self.unspawned)))):
                        i = self.unspawned.pop(0)
                        group.append({"k": "tg_spawn", "h": f"h{i}"})
                        self.group.append(f"h{i}")
                    if r.random() < 0.5:
                        group.append({"k": "sleep", "d": r.choice(SHORT)})
                    if len(group) == 1 and r.random() < 0.3:
                        group.append({"k": "fail", "lab": self.lab("main")})
                    steps.append({"k": "try", "err": None, "var": f"e{self.uid()}",
                                  "lab": self.lab("main"), "body": [{"k": "task_group", "body": group}]})
                    continue
                i = self.unspawned.pop(0)
                steps.append({"k": "spawn", "h": f"h{i}"})
                self.plain.append(f"h{i}")
                continue
            steps += self.main_step(cbs)
        return steps

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
                      "wait_for_task", "call_soon", "call_later", "done_cb", "cancel_cb"])
        if k == "cancel_cb" and not cbs:
            k = "call_later"
        if k in ("gather", "wait", "wait_for_task") and not self.plain:
            k = "await"
        if k == "as_completed" and not self.unspawned:
            k = "cancel"
        if k == "gather" and self.unspawned and r.random() < 0.6:
            k = "gather_calls"
        pre = []
        if k in ("call_soon", "call_later"):
            i = self.uid()
            body = [self.simple("cb", in_cb=True) for _ in range(r.randint(1, 3))]
            if spawned and r.random() < 0.3:
                body.append({"k": "cancel", "h": r.choice(spawned), "lab": self.lab("cb"),
                             "msg": r.random() < 0.5})
            cbs.append(i)
            s = {"k": k, "id": i, "body": body}
            if k == "call_later":
                s["d"] = r.choice(DURATIONS)
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
            for _ in range(r.randint(1, min(3, len(self.unspawned)))):
                i = self.unspawned.pop(0)
                pre.append({"k": "spawn", "h": f"h{i}"})
                self.plain.append(f"h{i}")
                hs.append(f"h{i}")
            s = {"k": k, "hs": hs, "lab": lab, "to": r.choice([None, None, 0.25, 0.5, 1.0])}
        else:
            hs = r.sample(self.plain, r.randint(1, min(3, len(self.plain))))
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
    ntasks = r.randint(1, 4)
    main = g.main(ntasks)
    tasks = {f"t{i}": g.task(i, [h for h in g.plain if int(h[1:]) < i]) for i in range(ntasks)}
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
    return {"seed": seed, "idx": idx, "nfut": nfut, "prims": prims, "tasks": tasks, "main": main}
