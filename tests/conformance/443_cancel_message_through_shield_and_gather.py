# Rules 6, 7, 12: a cancel message reaches the caller of a shield (the shielded task runs on) and, through gather.cancel(msg), each child.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name, d):
    try:
        await asyncio.sleep(d)
        log(f"{name} done")
    except asyncio.CancelledError as e:
        log(f"{name} cancelled {e.args}")
        raise


async def caller(aw):
    try:
        await aw
    except asyncio.CancelledError as e:
        log(f"caller cancelled {e.args}")
        raise


async def main():
    t = asyncio.create_task(child("inner", 2))
    c = asyncio.create_task(caller(asyncio.shield(t)))
    await asyncio.sleep(1)
    c.cancel("stop caller")
    await asyncio.gather(c, return_exceptions=True)
    g = asyncio.gather(child("g1", 3), child("g2", 3))
    await asyncio.sleep(0)
    g.cancel("stop all")
    try:
        await g
    except asyncio.CancelledError as e:
        log(f"gather raised {e.args}")
    await t

run(main())
