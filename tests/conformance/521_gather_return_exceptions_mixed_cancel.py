# Rules 6, 7: gather(return_exceptions=True) over a success, a failure, a task cancelled by another, and a task cancelling itself.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def ok():
    await asyncio.sleep(0.125)
    return "ok"


async def bad():
    await asyncio.sleep(0.25)
    raise ValueError("bad")


async def victim():
    await asyncio.sleep(1)


async def self_cancel():
    await asyncio.sleep(0.125)
    asyncio.current_task().cancel("me")
    await asyncio.sleep(0)
    return "unreachable"


async def main():
    v = asyncio.create_task(victim())
    asyncio.get_running_loop().call_later(0.375, v.cancel)
    res = await asyncio.gather(ok(), bad(), v, self_cancel(), return_exceptions=True)
    log(repr(res))

run(main())
