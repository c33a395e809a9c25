"""The differential fuzzer's programs as text: each step of the tree (a dict, `"k"` its
kind) rendered as Python for CPython under vclock.py and as a `sim` scenario step (see
scripts/differential.py)."""

import json


def q(s):
    """A TOML basic string (the messages are plain ASCII)."""
    return json.dumps(s)


def num(x):
    return repr(x) if isinstance(x, float) else str(x)


# --- the step tree --------------------------------------------------------------------
#
# A step is a dict: {"k": kind, ...fields}, blocks under "body" (and "handler"). Each
# kind renders to Python lines and to one TOML inline table (or several, for the steps
# that bind and then log). Steps carry their own log label so that lines stay stable while
# the shrinker deletes others.


def py_block(steps, ind, ctx):
    out = []
    for s in steps:
        out += py_step(s, ind, ctx)
    return out or [" " * ind + "pass"]


def toml_block(steps, ctx):
    items = []
    for s in steps:
        items += toml_step(s, ctx)
    return "[" + ", ".join(items) + "]"


def handles(s):
    """Task handles a step (and its blocks) uses; the ones a spawn makes are not counted."""
    hs = set()
    if s["k"] not in ("spawn", "tg_spawn", "gather_calls", "child"):
        hs.update(s.get("hs", []))
        if s.get("h"):
            hs.add(s["h"])
    for key in ("body", "handler"):
        for c in s.get(key, []):
            hs |= handles(c)
    return hs


def ref(h, ctx):
    """A task handle in Python: main's locals, or the global registry `H` in a task."""
    return f"H['{h}']" if ctx.get("task") else h


def own(lab):
    """The local holding the task's `cancelling()` before an await (`c_t1_5`): a
    CancelledError is the task's own when the count grew. (Compared with 0, CPython 3.12's
    count left at 1 by a TaskGroup whose `__aexit__` swallowed its abort's cancellation would
    make every later one look like the task's own; 3.13 and simloop leave 0.)"""
    return "c_" + lab.replace(".", "_")


def py_caught(lines, s, p, ctx):
    """A step awaiting tasks, in a task: a CancelledError that is not the task's own
    (its `cancelling()` did not grow) is logged; the task's own goes on, as a Drop does."""
    if not s.get("catch"):
        return lines
    c = own(s["lab"])
    return ([p + f"{c} = asyncio.current_task().cancelling()", p + "try:"] + ["    " + x for x in lines]
            + [p + "except asyncio.CancelledError as e:",
               p + f"    if asyncio.current_task().cancelling() > {c}:", p + "        raise",
               p + f'    log(f"{s["lab"]} cancelled {{e}}")'])


def toml_caught(items, s):
    if not s.get("catch"):
        return items
    return toml_not_own(items, s["lab"], s["lab"] + " cancelled {e}")


def toml_not_own(items, lab, line):
    """`items` in a `try` whose `except CancelledError` logs `line`, unless the
    CancelledError is the task's own (its `cancelling()` grew), which it re-raises, as the
    Python side's `raise` does (`except CancelledError` catches the task's own
    cancellation on both sides)."""
    c = own(lab)
    return [f'{{ let = "{c}", expr = "{{current_task.cancelling()}}" }}',
            f'{{ try = [{", ".join(items)}], error = "CancelledError", as = "e", except = ['
            f'{{ if = "{{current_task.cancelling()}} > {{{c}}}", '
            f'do = [{{ fail = "CancelledError", message = "{{e}}" }}] }}, {{ log = {q(line)} }}] }}']


def py_step(s, ind, ctx):
    p = " " * ind
    k = s["k"]
    lab = s.get("lab", "")
    if k in ("gather", "wait", "shield_await"):
        return py_caught(py_combine(s, p, ctx), s, p, ctx)
    return py_other(s, ind, ctx)


def py_combine(s, p, ctx):
    k = s["k"]
    lab = s["lab"]
    names = [ref(h, ctx) for h in s.get("hs", [])]
    if k == "gather":
        re = ", return_exceptions=True" if s["re"] else ""
        return [p + f"r = await asyncio.gather({', '.join(names)}{re})", p + f'log(f"{lab} gather {{r}}")']
    if k == "wait":
        to = "" if s["to"] is None else f", timeout={num(s['to'])}"
        dones = ", ".join("{" + h + ".done()}" for h in names)
        return [p + f"await asyncio.wait([{', '.join(names)}], return_when=asyncio.{s['when']}{to})",
                p + f'log(f"{lab} wait [{dones}]")']
    return [p + f"v = await asyncio.shield({ref(s['h'], ctx)})", p + f'log(f"{lab} got {{v}}")']


def py_other(s, ind, ctx):
    p = " " * ind
    k = s["k"]
    lab = s.get("lab", "")
    if k == "log_cancelling":
        return [p + f'log(f"{lab} cancelling={{{ref(s["h"], ctx)}.cancelling()}}")']
    if k == "fut_set_task":
        return [p + "try:", p + f'    {s["f"]}.set_result({s["h"]})',
                p + "except asyncio.InvalidStateError:", p + f'    log("{lab} invalid")']
    if k == "late_await":
        # `fh` is cancelled with the first task cancelled while awaiting it: caught too.
        return task_await_py("lt", lab, p)
    if k == "child":
        return py_other(dict(s, k="spawn"), ind, ctx)
    if k == "acquire_timeout":
        fn = f"_a{s['id']}"
        return ([p + "try:", p + f"    async def {fn}():", p + f"        await {s['prim']}.acquire()",
                 p + f"    await asyncio.wait_for({fn}(), {num(s['d'])})",
                 p + f'    log(f"{lab} acquired at {{asyncio.get_running_loop().time()}}")']
                + (py_block(s["body"], ind + 4, ctx) if s["body"] else [])
                + [p + f"    {s['prim']}.release()",
                   p + "except TimeoutError:", p + f'    log(f"{lab} timed out at {{asyncio.get_running_loop().time()}}")'])
    if k == "log":
        return [p + f'log("{lab}")']
    if k == "log_time":
        return [p + f'log(f"{lab} at {{asyncio.get_running_loop().time()}}")']
    if k == "log_state":
        return [p + f'log(f"{lab} x={{V[\'x\']}} L={{L.locked()}} S={{S._value}} '
                f'E={{E.is_set()}} Q={{Q.qsize()}} B={{B.n_waiting}}")']
    if k == "incr":
        return [p + 'V["x"] += 1']
    if k == "release":
        return [p + "try:", p + "    S.release()",
                p + "except ValueError:", p + f'    log("{lab} released too many times")']
    if k == "sleep":
        return [p + f"await asyncio.sleep({num(s['d'])})"]
    if k == "fail":
        return [p + f'raise ValueError("{lab}")']
    if k == "return":
        return [p + f'return "{lab}"']
    if k == "try":
        e = s["var"]
        kind = s["err"]
        exc = "Exception" if kind is None else ("asyncio." + kind if kind in ASYNCIO_ERRORS else kind)
        return ([p + "try:"] + py_block(s["body"], ind + 4, ctx)
                + [p + f"except {exc} as {e}:",
                   p + f'    log(f"{lab} caught {{ex({e})}}")'])
    if k == "catch":
        e = s["var"]
        then = {"go_on": [],
                "return": [p + f'    return "{lab}"'],
                "await": [p + f"    await asyncio.sleep({num(s['d'])})", p + f'    log("{lab} cleaned up")'],
                "uncancel": [p + "    asyncio.current_task().uncancel()"],
                "reraise": [p + "    raise"]}[s["how"]]
        caught = f'    log(f"{lab} caught {{{e}}}")'
        if s.get("count"):
            # Round 26: the task's count as it catches, and what `uncancel()` returns.
            caught = f'    log(f"{lab} caught {{{e}}} cancelling={{asyncio.current_task().cancelling()}}")'
            if s["how"] == "uncancel":
                then = [p + "    n = asyncio.current_task().uncancel()", p + f'    log(f"{lab} uncancel {{n}}")']
        return ([p + "try:"] + py_block(s["body"], ind + 4, ctx)
                + [p + f"except asyncio.CancelledError as {e}:", p + caught]
                + then)
    if k == "on_cancel":
        return ([p + "try:"] + py_block(s["body"], ind + 4, ctx)
                + [p + "except asyncio.CancelledError:",
                   p + f'    log("{lab} cancelled")', p + "    raise"])
    if k == "with":
        return [p + f"async with {s['prim']}:"] + py_block(s["body"], ind + 4, ctx)
    if k == "set_event":
        return [p + "E.set()"]
    if k == "clear_event":
        return [p + "E.clear()"]
    if k == "wait_event":
        return [p + "await E.wait()"]
    if k == "notify":
        return [p + "async with C:", p + f"    C.notify({s['n']})"]
    if k == "notify_all":
        return [p + "async with C:", p + "    C.notify_all()"]
    if k == "cond_wait":
        return [p + "async with C:", p + "    await C.wait()"]
    if k == "cond_wait_for":
        return [p + "async with C:", p + f"    await C.wait_for(lambda: V['x'] >= {s['n']})"]
    if k == "barrier":
        return [p + "try:", p + "    i = await B.wait()", p + f'    log(f"{lab} passes {{i}}")',
                p + "except asyncio.BrokenBarrierError:", p + f'    log("{lab} broken")']
    if k == "abort_barrier":
        return [p + "await B.abort()"]
    if k == "reset_barrier":
        return [p + "await B.reset()"]
    if k == "put":
        return [p + f'await Q.put("{lab}")']
    if k == "get":
        return [p + "v = await Q.get()", p + f'log(f"{lab} got {{v}}")']
    if k == "put_nowait":
        return [p + "try:", p + f'    Q.put_nowait("{lab}")',
                p + "except asyncio.QueueFull:", p + f'    log("{lab} full")']
    if k == "get_nowait":
        return [p + "try:", p + "    v = Q.get_nowait()", p + f'    log(f"{lab} got {{v}}")',
                p + "except asyncio.QueueEmpty:", p + f'    log("{lab} empty")']
    if k == "task_done":
        return [p + "try:", p + "    Q.task_done()",
                p + "except ValueError:", p + f'    log("{lab} too many")']
    if k == "join":
        return [p + "await Q.join()"]
    if k == "fut_await":
        # A future cancelled by someone raises CancelledError without cancelling the task:
        # caught. The task's own cancellation (the count grew) goes on, as a Drop does.
        return [p + f"{own(lab)} = asyncio.current_task().cancelling()",
                p + "try:", p + f"    v = await {s['f']}", p + f'    log(f"{lab} got {{v}}")',
                p + "except asyncio.CancelledError as e:",
                p + f"    if asyncio.current_task().cancelling() > {own(lab)}:", p + "        raise",
                p + f'    log(f"{lab} future cancelled {{e}}")']
    if k == "fut_set":
        return [p + "try:", p + f'    {s["f"]}.set_result("{lab}")',
                p + "except asyncio.InvalidStateError:", p + f'    log("{lab} invalid")']
    if k == "fut_set_exc":
        return [p + "try:", p + f'    {s["f"]}.set_exception(ValueError("{lab}"))',
                p + "except asyncio.InvalidStateError:", p + f'    log("{lab} invalid")']
    if k == "fut_cancel":
        return [p + f'{s["f"]}.cancel("{lab}")']
    if k == "wait_for":
        fn = f"_w{s['id']}"
        return ([p + f"async def {fn}():"] + py_block(s["body"], ind + 4, ctx)
                + [p + f"await asyncio.wait_for({fn}(), {num(s['d'])})"])
    if k == "timeout":
        d = "None" if s["d"] is None else num(s["d"])
        if s.get("at") and s["d"] is not None:
            cm = f"asyncio.timeout_at(asyncio.get_running_loop().time() + {d})"
        else:
            cm = f"asyncio.timeout({d})"
        return [p + f"async with {cm} as cm{s['id']}:"] + py_block(s["body"], ind + 4, ctx)
    if k == "reschedule":
        return [p + f"cm{s['cm']}.reschedule(asyncio.get_running_loop().time() + {num(s['d'])})",
                p + f'log(f"{lab} moved to {{cm{s["cm"]}.when()}}")']
    if k == "shield":
        fn = f"_s{s['id']}"
        return ([p + f"async def {fn}():"] + py_block(s["body"], ind + 4, ctx)
                + [p + f"await asyncio.shield({fn}())"])
    # Main's steps.
    if k == "spawn" and s.get("eager"):
        # One eager start (3.12 has no `eager_start=` on create_task): the factory called
        # by hand, then the name set, as 3.12's `loop.create_task` does with the factory set
        # (so the task takes a `Task-N` number, and its first step reads that name).
        t = s["h"].replace("h", "t")
        return [p + f'{s["h"]} = asyncio.eager_task_factory(asyncio.get_running_loop(), {t}())',
                p + f'{s["h"]}.set_name("{t}")',
                p + f'H["{s["h"]}"] = {s["h"]}']
    if k == "spawn":
        return [p + f'{s["h"]} = asyncio.create_task({s["h"].replace("h", "t")}(), name="{s["h"].replace("h", "t")}")',
                p + f'H["{s["h"]}"] = {s["h"]}']
    if k == "tg_spawn":
        return [p + f'{s["h"]} = {ctx.get("tg", "tg")}.create_task({s["h"].replace("h", "t")}(), name="{s["h"].replace("h", "t")}")',
                p + f'H["{s["h"]}"] = {s["h"]}']
    if k == "task_await":
        return task_await_py(s["h"], lab, p)
    if k == "task_cancel":
        msg = f'"{lab}"' if s.get("msg") else ""
        return [p + f'H["{s["h"]}"].cancel({msg})']
    if k == "await":
        return [p + f"v = await {s['h']}", p + f'log(f"{lab} got {{v}}")']
    if k == "cancel":
        msg = f'"{lab}"' if s.get("msg") else ""
        return [p + f"{s['h']}.cancel({msg})"]
    if k == "gather_calls":
        re = ", return_exceptions=True" if s["re"] else ""
        calls = ", ".join(f"{h.replace('h', 't')}()" for h in s["hs"])
        return [p + f"r = await asyncio.gather({calls}{re})", p + f'log(f"{lab} gather {{r}}")']
    if k == "as_completed":
        to = "" if s["to"] is None else f", timeout={num(s['to'])}"
        return [p + f"for f in asyncio.as_completed([{', '.join(s['hs'])}]{to}):",
                p + "    v = await f", p + f'    log(f"{lab} ac {{v}}")']
    if k == "wait_for_task":
        # The scenario's `wait_for` runs a block: a coroutine awaiting the task (with a
        # zero timeout CPython never starts it, so the task is not cancelled).
        inner = f"asyncio.shield({s['h']})" if s["shield"] else s["h"]
        fn = f"_w{s.get('id', 0)}"
        return [p + f"async def {fn}():", p + f"    return await {inner}",
                p + f"v = await asyncio.wait_for({fn}(), {num(s['d'])})", p + f'log(f"{lab} got {{v}}")']
    if k == "task_group":
        tg = f"tg{s['id']}" if "id" in s else "tg"
        return [p + f"async with asyncio.TaskGroup() as {tg}:"] + py_block(s["body"], ind + 4, dict(ctx, tg=tg))
    if k in ("call_soon", "call_later", "call_at"):
        fn = f"_c{s['id']}"
        lines = [p + f"def {fn}():"] + py_block(s["body"], ind + 4, ctx)
        if k == "call_soon":
            lines.append(p + f"cb{s['id']} = loop.call_soon({fn})")
        elif k == "call_later":
            lines.append(p + f"cb{s['id']} = loop.call_later({num(s['d'])}, {fn})")
        else:
            lines.append(p + f"cb{s['id']} = loop.call_at(loop.time() + {num(s['d'])}, {fn})")
        return lines
    if k == "cancel_cb":
        return [p + f"cb{s['cb']}.cancel()"]
    if k == "done_cb_fn":
        fn = f"_d{s['id']}"
        return ([p + f"def {fn}(fut):", p + f'    log(f"{lab} done cancelled={{fut.cancelled()}}")']
                + [x for c in s["body"] for x in py_step(c, ind + 4, ctx)]
                + [p + f"{s['target']}.add_done_callback({fn})"])
    if k == "remove_cb":
        return [p + f"n = {s['target']}.remove_done_callback(_d{s['id']})", p + f'log(f"{lab} removed {{n}}")']
    if k == "log_name":
        who = "asyncio.current_task()" if s["h"] is None else ref(s["h"], ctx)
        return [p + f'log(f"{lab} name {{{who}.get_name()}}")']
    if k == "gather_hold":
        re = ", return_exceptions=True" if s["re"] else ""
        return [p + f"g{s['id']} = asyncio.gather({', '.join(s['hs'])}{re})"]
    if k == "gather_cancel":
        msg = f'"{lab}"' if s.get("msg") else ""
        return [p + f"ok = g{s['g']}.cancel({msg})", p + f'log(f"{lab} cancel {{ok}}")']
    if k == "gather_done":
        return [p + f'log(f"{lab} done={{g{s["g"]}.done()}}")']
    if k == "gather_await":
        return [p + f"r = await g{s['g']}", p + f'log(f"{lab} gather {{r}}")']
    if k == "queue_timeout":
        fn = f"_q{s['id']}"
        op = ([p + "        v = await Q.get()", p + f'        log(f"{lab} got {{v}}")'] if s["op"] == "get"
              else [p + f'        await Q.put("{lab}")', p + f'        log("{lab} put")'])
        return ([p + "try:", p + f"    async def {fn}():"] + op
                + [p + f"    await asyncio.wait_for({fn}(), {num(s['d'])})",
                   p + "except TimeoutError:",
                   p + f'    log(f"{lab} timed out at {{asyncio.get_running_loop().time()}}")'])
    if k == "done_cb":
        fn = f"_d{s['id']}"
        return [p + f"def {fn}(fut):",
                p + f'    log(f"{lab} done cancelled={{fut.cancelled()}}")',
                p + f"{s['target']}.add_done_callback({fn})"]
    raise ValueError(k)


def task_await_py(h, lab, p):
    """A task awaiting another: a cancelled one raises CancelledError, caught; the awaiting
    task's own cancellation (the count grew) goes on, as a Drop does."""
    return [p + f"{own(lab)} = asyncio.current_task().cancelling()",
            p + "try:"] + ([p + f'    v = await H["{h}"]'] if h != "lt" else [p + "    lt = await fh", p + "    v = await lt"]) + [
            p + f'    log(f"{lab} got {{v}}")',
            p + "except asyncio.CancelledError as e:",
            p + f"    if asyncio.current_task().cancelling() > {own(lab)}:", p + "        raise",
            p + f'    log(f"{lab} {h} cancelled {{e}}")',
            p + "except Exception as e:", p + f'    log(f"{lab} caught {{ex(e)}}")']


def task_await_toml(h, lab):
    pre = ['{ await = "fh", as = "lt" }'] if h == "lt" else []
    inner = toml_not_own(pre + [f'{{ await = "{h}", as = "v" }}', f'{{ log = {q(lab + " got {v}")} }}'],
                         lab, lab + " " + h + " cancelled {e}")
    return (f'{{ try = [{", ".join(inner)}], '
            f'as = "e", except = [{{ log = {q(lab + " caught {e:type} {e}")} }}] }}')


ASYNCIO_ERRORS = {"TimeoutError", "CancelledError", "InvalidStateError", "QueueFull",
                  "QueueEmpty", "BrokenBarrierError"}


def toml_step(s, ctx):
    k = s["k"]
    lab = s.get("lab", "")
    if k == "log_cancelling":
        return [f"{{ log = {q(lab + ' cancelling={' + s['h'] + '.cancelling()}')} }}"]
    if k == "fut_set_task":
        return [f'{{ try = [{{ set_result = "{s["f"]}", value = "{{{s["h"]}}}" }}], error = "InvalidStateError", '
                f'except = [{{ log = {q(lab + " invalid")} }}] }}']
    if k == "late_await":
        return [task_await_toml("lt", lab)]
    if k == "child":
        return toml_step(dict(s, k="spawn"), ctx)
    if k == "acquire_timeout":
        items = ([f'{{ wait_for = {num(s["d"])}, do = [{{ acquire = "{s["prim"]}" }}] }}',
                  f"{{ log = {q(lab + ' acquired at {loop.time()}')} }}"]
                 + [t for c in s["body"] for t in toml_step(c, ctx)]
                 + [f'{{ release = "{s["prim"]}" }}'])
        return [f'{{ try = [{", ".join(items)}], error = "TimeoutError", '
                f"except = [{{ log = {q(lab + ' timed out at {loop.time()}')} }}] }}"]
    if k == "shield_await":
        return toml_caught([f'{{ shield = "{s["h"]}", as = "v" }}', f"{{ log = {q(lab + ' got {v}')} }}"], s)
    if k == "log":
        return [f"{{ log = {q(lab)} }}"]
    if k == "log_time":
        return [f"{{ log = {q(lab + ' at {loop.time()}')} }}"]
    if k == "log_state":
        return [f"{{ log = {q(lab + ' x={x} L={L.locked()} S={S._value} E={E.is_set()} Q={Q.qsize()} B={B.n_waiting}')} }}"]
    if k == "incr":
        return ['{ set = "x", expr = "x + 1" }']
    if k == "release":
        return [f'{{ try = [{{ release = "S" }}], error = "ValueError", '
                f'except = [{{ log = {q(lab + " released too many times")} }}] }}']
    if k == "sleep":
        return [f"{{ sleep = {num(s['d'])} }}"]
    if k == "fail":
        return [f'{{ fail = "ValueError", message = {q(lab)} }}']
    if k == "return":
        return [f"{{ return = {q(lab)} }}"]
    if k == "try":
        e = s["var"]
        err = "" if s["err"] is None else f"error = {q(s['err'])}, "
        return [f"{{ try = {toml_block(s['body'], ctx)}, {err}as = {q(e)}, except = "
                f"[{{ log = {q(lab + ' caught {' + e + ':type} {' + e + '}')} }}] }}"]
    if k == "catch":
        e = s["var"]
        then = {"go_on": [],
                "return": [f"{{ return = {q(lab)} }}"],
                "await": [f"{{ sleep = {num(s['d'])} }}", f"{{ log = {q(lab + ' cleaned up')} }}"],
                "uncancel": ['{ uncancel = "current_task" }'],
                "reraise": [f"{{ fail = \"CancelledError\", message = {q('{' + e + '}')} }}"]}[s["how"]]
        caught = lab + ' caught {' + e + '}'
        if s.get("count"):
            caught += " cancelling={current_task.cancelling()}"
            if s["how"] == "uncancel":
                then = ['{ uncancel = "current_task", as = "n" }', f"{{ log = {q(lab + ' uncancel {n}')} }}"]
        handler = [f"{{ log = {q(caught)} }}"] + then
        return [f"{{ try = {toml_block(s['body'], ctx)}, error = \"CancelledError\", as = {q(e)}, "
                f"except = [{', '.join(handler)}] }}"]
    if k == "on_cancel":
        return [f"{{ on_cancel = {q(lab + ' cancelled')}, do = {toml_block(s['body'], ctx)} }}"]
    if k == "with":
        return [f"{{ with = {q(s['prim'])}, do = {toml_block(s['body'], ctx)} }}"]
    if k == "set_event":
        return ['{ set_event = "E" }']
    if k == "clear_event":
        return ['{ clear_event = "E" }']
    if k == "wait_event":
        return ['{ wait_event = "E" }']
    if k == "notify":
        return [f'{{ notify = "C", n = {s["n"]} }}']
    if k == "notify_all":
        return ['{ notify_all = "C" }']
    if k == "cond_wait":
        return ['{ wait_condition = "C" }']
    if k == "cond_wait_for":
        return [f'{{ wait_condition = "C", until = "x >= {s["n"]}" }}']
    if k == "barrier":
        return [f'{{ try = [{{ wait_barrier = "B", as = "i" }}, {{ log = {q(lab + " passes {i}")} }}], '
                f'error = "BrokenBarrierError", except = [{{ log = {q(lab + " broken")} }}] }}']
    if k == "abort_barrier":
        return ['{ abort_barrier = "B" }']
    if k == "reset_barrier":
        return ['{ reset_barrier = "B" }']
    if k == "put":
        return [f'{{ put = "Q", value = {q(lab)} }}']
    if k == "get":
        return ['{ get = "Q", as = "v" }', f"{{ log = {q(lab + ' got {v}')} }}"]
    if k == "put_nowait":
        return [f'{{ try = [{{ put_nowait = "Q", value = {q(lab)} }}], error = "QueueFull", '
                f'except = [{{ log = {q(lab + " full")} }}] }}']
    if k == "get_nowait":
        return [f'{{ try = [{{ get_nowait = "Q", as = "v" }}, {{ log = {q(lab + " got {v}")} }}], '
                f'error = "QueueEmpty", except = [{{ log = {q(lab + " empty")} }}] }}']
    if k == "task_done":
        return [f'{{ try = [{{ task_done = "Q" }}], error = "ValueError", '
                f'except = [{{ log = {q(lab + " too many")} }}] }}']
    if k == "join":
        return ['{ join = "Q" }']
    if k == "fut_await":
        return toml_not_own([f'{{ await = {q(s["f"])}, as = "v" }}', f'{{ log = {q(lab + " got {v}")} }}'],
                            lab, lab + " future cancelled {e}")
    if k == "fut_set":
        return [f'{{ try = [{{ set_result = {q(s["f"])}, value = {q(lab)} }}], error = "InvalidStateError", '
                f'except = [{{ log = {q(lab + " invalid")} }}] }}']
    if k == "fut_set_exc":
        return [f'{{ try = [{{ set_exception = {q(s["f"])}, error = "ValueError", message = {q(lab)} }}], '
                f'error = "InvalidStateError", except = [{{ log = {q(lab + " invalid")} }}] }}']
    if k == "fut_cancel":
        return [f'{{ cancel = {q(s["f"])}, message = {q(lab)} }}']
    if k == "wait_for":
        return [f"{{ wait_for = {num(s['d'])}, do = {toml_block(s['body'], ctx)} }}"]
    if k == "timeout":
        d = '"None"' if s["d"] is None else num(s["d"])
        return [f"{{ timeout = {d}, as = \"cm{s['id']}\", do = {toml_block(s['body'], ctx)} }}"]
    if k == "reschedule":
        cm = f"cm{s['cm']}"
        return [f'{{ let = "at", expr = "loop.time() + {num(s["d"])}" }}',
                f'{{ reschedule = "{cm}", at = "{{at}}" }}',
                f"{{ log = {q(lab + ' moved to {' + cm + '.when()}')} }}"]
    if k == "shield":
        return [f"{{ shield = {toml_block(s['body'], ctx)} }}"]
    if k == "spawn" or k == "tg_spawn":
        t = s["h"].replace("h", "t")
        eager = ", eager = true" if s.get("eager") else ""
        return [f'{{ spawn = "{t}", args = {{ {ctx["args"][t]} }}, as = "{s["h"]}"{eager} }}']
    if k == "task_await":
        return [task_await_toml(s["h"], lab)]
    if k == "task_cancel":
        msg = f", message = {q(lab)}" if s.get("msg") else ""
        return [f'{{ cancel = "{s["h"]}"{msg} }}']
    if k == "await":
        return [f'{{ await = "{s["h"]}", as = "v" }}', f"{{ log = {q(lab + ' got {v}')} }}"]
    if k == "cancel":
        msg = f", message = {q(lab)}" if s.get("msg") else ""
        return [f'{{ cancel = "{s["h"]}"{msg} }}']
    if k == "gather":
        items = ", ".join(f'{{ await = "{h}" }}' for h in s["hs"])
        re = ", return_exceptions = true" if s["re"] else ""
        return toml_caught([f'{{ gather = [{items}]{re}, as = "r" }}', f"{{ log = {q(lab + ' gather {r}')} }}"], s)
    if k == "gather_calls":
        items = ", ".join(f'{{ call = "{h.replace("h", "t")}", args = {{ {ctx["args"][h.replace("h", "t")]} }} }}'
                          for h in s["hs"])
        re = ", return_exceptions = true" if s["re"] else ""
        return [f'{{ gather = [{items}]{re}, as = "r" }}', f"{{ log = {q(lab + ' gather {r}')} }}"]
    if k == "wait":
        to = "" if s["to"] is None else f", timeout = {num(s['to'])}"
        dones = ", ".join("{" + h + ".done()}" for h in s["hs"])
        return toml_caught([f'{{ wait = {json.dumps(s["hs"])}, return_when = "{s["when"]}"{to} }}',
                            f"{{ log = {q(lab + ' wait [' + dones + ']')} }}"], s)
    if k == "as_completed":
        to = "" if s["to"] is None else f", timeout = {num(s['to'])}"
        return [f'{{ as_completed = {json.dumps(s["hs"])}{to}, as = "v", do = [{{ log = {q(lab + " ac {v}")} }}] }}']
    if k == "wait_for_task":
        inner = f'{{ shield = "{s["h"]}", as = "v" }}' if s["shield"] else f'{{ await = "{s["h"]}", as = "v" }}'
        return [f"{{ wait_for = {num(s['d'])}, do = [{inner}, {{ log = {q(lab + ' got {v}')} }}] }}"]
    if k == "task_group":
        return [f"{{ task_group = {toml_block(s['body'], ctx)} }}"]
    if k == "call_soon":
        return [f"{{ call_soon = {toml_block(s['body'], ctx)}, as = \"cb{s['id']}\" }}"]
    if k == "call_later":
        return [f"{{ call_later = {num(s['d'])}, do = {toml_block(s['body'], ctx)}, as = \"cb{s['id']}\" }}"]
    if k == "call_at":
        return [f'{{ let = "at", expr = "loop.time() + {num(s["d"])}" }}',
                f"{{ call_at = \"{{at}}\", do = {toml_block(s['body'], ctx)}, as = \"cb{s['id']}\" }}"]
    if k == "cancel_cb":
        return [f'{{ cancel = "cb{s["cb"]}" }}']
    if k == "done_cb_fn":
        items = [f"{{ log = {q(lab + ' done cancelled={fut.cancelled()}')} }}"] + [t for c in s["body"] for t in toml_step(c, ctx)]
        return [f'{{ add_done_callback = "{s["target"]}", callback = "_d{s["id"]}", as = "fut", do = [{", ".join(items)}] }}']
    if k == "remove_cb":
        return [f'{{ remove_done_callback = "{s["target"]}", callback = "_d{s["id"]}", as = "n" }}',
                f"{{ log = {q(lab + ' removed {n}')} }}"]
    if k == "log_name":
        who = "current_task" if s["h"] is None else s["h"]
        return [f"{{ log = {q(lab + ' name {' + who + '.get_name()}')} }}"]
    if k == "gather_hold":
        items = ", ".join(f'{{ await = "{h}" }}' for h in s["hs"])
        re = ", return_exceptions = true" if s["re"] else ""
        return [f'{{ gather = [{items}]{re}, future = "g{s["id"]}" }}']
    if k == "gather_cancel":
        msg = f", message = {q(lab)}" if s.get("msg") else ""
        return [f'{{ cancel = "g{s["g"]}"{msg}, as = "ok" }}', f"{{ log = {q(lab + ' cancel {ok}')} }}"]
    if k == "gather_done":
        return [f"{{ log = {q(lab + ' done={g' + str(s['g']) + '.done()}')} }}"]
    if k == "gather_await":
        return [f'{{ await = "g{s["g"]}", as = "r" }}', f"{{ log = {q(lab + ' gather {r}')} }}"]
    if k == "queue_timeout":
        op = (['{ get = "Q", as = "v" }', f"{{ log = {q(lab + ' got {v}')} }}"] if s["op"] == "get"
              else [f'{{ put = "Q", value = {q(lab)} }}', f"{{ log = {q(lab + ' put')} }}"])
        return [f'{{ try = [{{ wait_for = {num(s["d"])}, do = [{", ".join(op)}] }}], error = "TimeoutError", '
                f"except = [{{ log = {q(lab + ' timed out at {loop.time()}')} }}] }}"]
    if k == "done_cb":
        return [f'{{ add_done_callback = "{s["target"]}", as = "fut", do = '
                f'[{{ log = {q(lab + " done cancelled={fut.cancelled()}")} }}] }}']
    raise ValueError(k)


# --- rendering ------------------------------------------------------------------------


def spawned_in(steps):
    """The handles the steps spawn (`create_task`, TaskGroup children, gather's), in order."""
    out = []

    def walk(steps):
        for s in steps:
            if s["k"] in ("spawn", "tg_spawn", "child"):
                out.append(s["h"])
            if s["k"] == "gather_calls":
                out.extend(s["hs"])
            walk(s.get("body", []))
    walk(steps)
    return out


def spawned_in_order(main, tasks=None):
    """The handles main spawns, then those the tasks spawn (children, their groups')."""
    out = spawned_in(main)
    for body in (tasks or {}).values():
        out += spawned_in(body)
    return out


def task_refs(body):
    """The other tasks' handles a task's steps name, sorted (not the ones it spawns)."""
    used = set().union(*[handles(s) for s in body]) if body else set()
    return sorted(used - set(spawned_in(body)))


def plain_in_order(main):
    """The handles of `create_task` (not TaskGroup children), which the end gathers."""
    return [s["h"] for s in main if s["k"] == "spawn"]


QUEUES = {"fifo": "Queue", "lifo": "LifoQueue", "priority": "PriorityQueue"}


def render_py(prog, header=""):
    futs = futures(prog)
    nf = len(futs)
    pr = prog["prims"]
    sem = "BoundedSemaphore" if pr["S"]["bounded"] else "Semaphore"
    hs = spawned_in_order(prog["main"], prog["tasks"])
    lines = [
        header or f"# differential.py --seed {prog['seed']} program {prog['idx']}",
        "import asyncio, os, sys",
        'sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))',
        "from vclock import log, run",
        "",
        "",
        "",
        "def ex(e):",
        "    # A handle a TaskGroup body never bound (a child failing at once, or before the",
        "    # body got there): UnboundLocalError, the scenario language's NameError.",
        "    if isinstance(e, NameError):",
        "        return f\"NameError name '{str(e).split(chr(39))[1]}' is not defined\"",
        "    return f\"{type(e).__name__} {e}\"",
        "",
        "",
        'V = {"x": 0}',
        "H = {}",
        "L = asyncio.Lock()",
        f"S = asyncio.{sem}({pr['S']['value']})",
        "E = asyncio.Event()",
        "C = asyncio.Condition()",
        f"B = asyncio.Barrier({pr['B']['parties']})",
        f"Q = asyncio.{QUEUES[pr['Q'].get('kind', 'fifo')]}({pr['Q']['maxsize']})",
        f"{', '.join(futs)} = {', '.join(['None'] * nf)}",
        "",
    ]
    for name, body in prog["tasks"].items():
        if "h" + name[1:] not in hs:
            continue
        lines += ["", f"async def {name}():"] + py_block(body, 4, {"task": True})
        lines.append("")
    lines += ["", "async def main():", f"    global {', '.join(futs)}",
              "    loop = asyncio.get_running_loop()"]
    if prog.get("eager"):
        lines.append("    loop.set_task_factory(asyncio.eager_task_factory)")
    for f in futs:
        lines.append(f"    {f} = loop.create_future()")
    lines += py_block(prog["main"], 4, {})
    hs = plain_in_order(prog["main"])
    for h in hs:
        lines.append(f'    {h}.cancel()')
    if hs:
        lines.append(f"    r = await asyncio.gather({', '.join(hs)}, return_exceptions=True)")
        lines.append('    log(f"end {r}")')
    lines.append('    log(f"end x={V[\'x\']} q={Q.qsize()} E={E.is_set()} B={B.broken}")')
    lines += ["", "", "run(main())", ""]
    return "\n".join(lines)


def futures(prog):
    """The futures main creates: f0, f1, and `fh` (a task's handle, "late_await")."""
    return [f"f{j}" for j in range(prog["nfut"])] + (["fh"] if prog.get("late") else [])


def render_toml(prog, name="differential"):
    futs = futures(prog)
    pr = prog["prims"]
    hs = spawned_in_order(prog["main"], prog["tasks"])
    params = {name_: futs + task_refs(body) for name_, body in prog["tasks"].items()}
    ctx = {"args": {name_: ", ".join(f'{x} = "{{{x}}}"' for x in ps) for name_, ps in params.items()}}
    out = [
        f"name = {q(name)}",
        f"description = \"differential.py --seed {prog['seed']} program {prog['idx']}\"",
    ] + (["eager_tasks = true"] if prog.get("eager") else []) + [
        "",
        "[vars]", "x = 0", "",
        "[locks.L]", "",
        "[semaphores.S]", f"value = {pr['S']['value']}",
        f"bounded = {'true' if pr['S']['bounded'] else 'false'}", "",
        "[events.E]", "", "[conditions.C]", "",
        "[barriers.B]", f"parties = {pr['B']['parties']}", "",
        "[queues.Q]", f"maxsize = {pr['Q']['maxsize']}", f"kind = {q(pr['Q'].get('kind', 'fifo'))}", "",
    ]
    for name_, body in prog["tasks"].items():
        if "h" + name_[1:] not in hs:
            continue
        out += [f"[tasks.{name_}]", f"params = {json.dumps(params[name_])}", "steps = ["]
        out += ["  " + t + "," for s in body for t in toml_step(s, ctx)]
        out += ["]", ""]
    out += ["[main]", "steps = ["]
    out += ["  " + t + "," for f in futs for t in [f'{{ create_future = "{f}" }}']]
    out += ["  " + t + "," for s in prog["main"] for t in toml_step(s, ctx)]
    hs = plain_in_order(prog["main"])
    for h in hs:
        out.append(f'  {{ cancel = "{h}" }},')
    if hs:
        items = ", ".join(f'{{ await = "{h}" }}' for h in hs)
        out.append(f'  {{ gather = [{items}], return_exceptions = true, as = "r" }},')
        out.append('  { log = "end {r}" },')
    out.append('  { log = "end x={x} q={Q.qsize()} E={E.is_set()} B={B.broken}" },')
    out += ["]", ""]
    return "\n".join(out)
