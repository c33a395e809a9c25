# Rules 4, 6: gather over tasks failing at the same instant raises the first in completion (arming) order; with return_exceptions all are listed in argument order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay):
    await asyncio.sleep(delay)
    log(f"{name} fails")
    raise ValueError(name)


async def main():
    ts = [asyncio.create_task(job(n, 1)) for n in ("a", "b", "c")]
    try:
        await asyncio.gather(ts[2], ts[0], ts[1])
    except ValueError as e:
        log(f"gather raised {e}")
    await asyncio.sleep(0)
    us = [asyncio.create_task(job(n, 1)) for n in ("x", "y")]
    r = await asyncio.gather(us[1], us[0], return_exceptions=True)
    log(f"listed {[str(e) for e in r]}")

run(main())
