# Rule 11: three nested timeouts with different deadlines: the innermost expiring first is caught inside; then the middle; the outer never expires.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def main():
    async with asyncio.timeout(10) as outer:
        try:
            async with asyncio.timeout(3) as middle:
                try:
                    async with asyncio.timeout(1) as inner:
                        await asyncio.sleep(5)
                except TimeoutError:
                    log(f"inner expired={inner.expired()} middle expired={middle.expired()}")
                await asyncio.sleep(5)
        except TimeoutError:
            log(f"middle expired={middle.expired()} outer expired={outer.expired()}")
        await asyncio.sleep(1)
    log(f"outer expired={outer.expired()}")

run(main())
