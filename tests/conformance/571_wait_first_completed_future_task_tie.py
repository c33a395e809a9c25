# Rules 4, 5, 12: wait(FIRST_COMPLETED) over a bare future set by call_later and a task whose sleep ends at the same instant: the future's callback runs first; both done.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def work():
    await asyncio.sleep(0.25)
    log("work done")
    return "w"


async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    loop.call_later(0.25, f.set_result, "f")
    t = asyncio.create_task(work())
    done, pending = await asyncio.wait([f, t], return_when=asyncio.FIRST_COMPLETED)
    log(f"done f={f in done} t={t in done} pending={len(pending)}")
    await t
    log("end")

run(main())