# Rule 11 (contextvars): Context.run nests and changes only the context it runs in; entering a context already entered (by an enclosing run, or the running task's own, passed as context=) is a RuntimeError; reset restores the previous value or unsets, and refuses a used token (RuntimeError), another var's token and a token from another context (ValueError).
import asyncio, contextvars, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

a = contextvars.ContextVar("a", default=0)
b = contextvars.ContextVar("b")


def show(tag):
    log(f"{tag}: a={a.get()} b={b.get('-')}")


def attempt(tag, f):
    try:
        f()
        log(f"{tag}: ok")
    except (RuntimeError, ValueError) as e:
        log(f"{tag}: {type(e).__name__}")


async def own(ctx):
    a.set(5)
    attempt("task enters its own context", lambda: ctx.run(show, "never"))
    await asyncio.sleep(0)
    show("task after a step")


async def main():
    outer = contextvars.Context()
    inner = contextvars.Context()

    def in_outer():
        a.set(1)
        show("outer")
        inner.run(lambda: (a.set(2), show("inner")))
        show("outer again")
        attempt("outer re-entered", lambda: outer.run(show, "never"))

    outer.run(in_outer)
    show("main")
    log(f"outer a={outer.get(a)} inner a={inner.get(a)} main has a={a in contextvars.copy_context()}")

    t1 = a.set(10)
    t2 = a.set(11)
    log(f"tokens old: {t1.old_value is contextvars.Token.MISSING} {t2.old_value}")
    a.reset(t2)
    show("after reset t2")
    attempt("reset t2 again", lambda: a.reset(t2))
    attempt("reset t1 with b", lambda: b.reset(t1))
    attempt("reset t1 in another context", lambda: contextvars.Context().run(a.reset, t1))
    a.reset(t1)
    show("after reset t1")
    tb = b.set(7)
    show("b set")
    b.reset(tb)
    show("b reset")

    ctx = contextvars.copy_context()
    t = asyncio.create_task(own(ctx), context=ctx)
    await t
    show("main after task")
    log(f"ctx a={ctx.get(a)}")

run(main())
