# Rules 2, 4: call_later and sleeps with equal deadlines fire in arming order; the sleeper resumes one slot after its timer.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def sleeper(name, d):
    await asyncio.sleep(d)
    log(f"{name} woke")


async def main():
    loop = asyncio.get_running_loop()
    loop.call_later(0.25, log, "cb1")
    t1 = asyncio.create_task(sleeper("s1", 0.25))
    await asyncio.sleep(0)
    loop.call_later(0.25, log, "cb2")
    loop.call_at(loop.time() + 0.25, log, "cb3 at")
    t2 = asyncio.create_task(sleeper("s2", 0.25))
    await asyncio.sleep(0.25)
    log("main woke")
    await asyncio.gather(t1, t2)

run(main())
