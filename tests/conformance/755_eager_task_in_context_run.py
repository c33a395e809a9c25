# Eager tasks (3.12): a task created eagerly inside `Context.run(ctx)` runs its first step in its own context, a copy of `ctx` taken at creation (`__eager_start` runs the step with `self._context.run`): it sees what `ctx` holds, and what it sets stays its own; `ctx` and the creator's context are untouched. A task created eagerly in the first step of another copies that task's context.
import asyncio, contextvars, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

V = contextvars.ContextVar("v", default="default")


async def grandchild():
    log(f"grandchild sees {V.get()}")
    V.set("grandchild")


async def child(tag):
    log(f"{tag} sees {V.get()}")
    V.set(tag)
    asyncio.create_task(grandchild())
    log(f"{tag} after its spawn sees {V.get()}")
    await asyncio.sleep(0)
    log(f"{tag} after a step sees {V.get()}")


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    V.set("main")
    ctx = contextvars.copy_context()

    def in_ctx():
        V.set("ctx")
        t = asyncio.create_task(child("a"))
        log(f"in ctx after create_task sees {V.get()}")
        return t

    t = ctx.run(in_ctx)
    log(f"main sees {V.get()}, ctx has {ctx[V]}")
    await t
    log(f"main sees {V.get()}, ctx has {ctx[V]}")


run(main())
