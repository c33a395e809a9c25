# Rule 11: nested timeouts expiring together: the outer one raises TimeoutError and both report expired().
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    outer = asyncio.timeout(1)
    inner = asyncio.timeout(1)
    try:
        async with outer:
            try:
                async with inner:
                    await asyncio.sleep(5)
            except TimeoutError:
                log("inner raised TimeoutError")
            log("never: the outer cancellation is still pending")
    except TimeoutError:
        log("outer raised TimeoutError")
    log(f"outer expired={outer.expired()} inner expired={inner.expired()}")


run(main())
