# Rules 11, 12: shield of a bare future under wait_for: the expiry cancels only the shield; the future set later is awaited afterwards.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run



async def main():
    loop = asyncio.get_running_loop()
    f = loop.create_future()
    loop.call_later(0.5, f.set_result, "late")
    try:
        await asyncio.wait_for(asyncio.shield(f), 0.25)
    except TimeoutError:
        log(f"timed out f cancelled={f.cancelled()}")
    log(f"f {await f}")

run(main())