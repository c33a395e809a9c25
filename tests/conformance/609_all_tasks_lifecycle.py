# Rules 1, 7: all_tasks() counts main, tasks created but not started, and running ones; a finished or cancelled task leaves it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def short():
    await asyncio.sleep(0)


async def long():
    await asyncio.sleep(1)


async def main():
    log(f"at start {len(asyncio.all_tasks())}")
    a = asyncio.create_task(short())
    b = asyncio.create_task(long())
    log(f"created {len(asyncio.all_tasks())}")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    log(f"a done={a.done()} {len(asyncio.all_tasks())}")
    b.cancel()
    log(f"b cancel requested {len(asyncio.all_tasks())}")
    await asyncio.sleep(0)
    log(f"b cancelled={b.cancelled()} {len(asyncio.all_tasks())}")

run(main())
