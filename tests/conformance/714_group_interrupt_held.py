# Rule 7, 9, 12: a TaskGroup child fails while the group's body waits in a nested group's exit (the inner group aborting: its body raised). asyncio cancels the parent task; the inner __aexit__ is aborting, so it swallows that CancelledError, waits for its child and raises its own ExceptionGroup into the outer body, which catches it and goes on to its end; the outer group then raises the failing child's ExceptionGroup. simloop dropped the interrupted body at once, so the inner group's failure was never raised and the except around it never ran. Found by scripts/differential.py (seed 2000, program 45).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def fails():
    raise ValueError("outer child")


async def inner_child():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        log("inner child cancelled")
        raise


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fails())
            try:
                async with asyncio.TaskGroup() as inner:
                    inner.create_task(inner_child())
                    await asyncio.sleep(0)
                    raise ValueError("inner body")
            except Exception as e:
                log(f"body caught {type(e).__name__} {e!r}")
            log("body goes on")
    except Exception as e:
        log(f"main caught {type(e).__name__} {e!r}")


run(main())
