# Rule 11: three nested timeout() blocks; the middle deadline is first: the middle expires, the outer and inner see it as it unwinds.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def main():
    try:
        async with asyncio.timeout(1.0) as outer:
            try:
                async with asyncio.timeout(0.25) as middle:
                    try:
                        async with asyncio.timeout(0.5) as inner:
                            await asyncio.sleep(2)
                    finally:
                        log(f"inner exits expired={inner.expired()}")
            except TimeoutError:
                log(f"middle expired={middle.expired()}")
            await asyncio.sleep(0.125)
            log("outer body goes on")
    except TimeoutError:
        log("outer timeout")
    log(f"outer expired={outer.expired()}")

run(main())
