# Rules 5, 6: a bare future in gather: its completion runs gather's callback on the future itself, one slot after it is set, ahead of tasks woken later in that pass.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def direct(f, name):
    v = await f
    log(f"{name} got {v}")


async def via_gather(f):
    r = await asyncio.gather(f)
    log(f"gather caller got {r}")


async def via_wait(f):
    done, pending = await asyncio.wait([f])
    log(f"wait caller done={len(done)} pending={len(pending)}")


async def via_as_completed(f):
    for c in asyncio.as_completed([f]):
        log(f"as_completed caller got {await c}")


async def ticker():
    for i in range(4):
        log(f"tick {i}")
        await asyncio.sleep(0)


async def main():
    f = asyncio.get_running_loop().create_future()
    ts = [asyncio.create_task(via_gather(f)), asyncio.create_task(via_wait(f)), asyncio.create_task(via_as_completed(f)), asyncio.create_task(direct(f, "d1"))]
    await asyncio.sleep(0)
    asyncio.create_task(ticker())
    f.set_result(7)
    log("set")
    await asyncio.gather(*ts)
    log("end")

run(main())
