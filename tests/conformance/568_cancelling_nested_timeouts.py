# Rules 7, 11: cancelling() counts in nested timeouts: the inner expiry counts while it unwinds, the outer sees zero after the inner exits, then counts its own expiry.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run



async def main():
    me = asyncio.current_task()
    try:
        async with asyncio.timeout(0.5):
            try:
                async with asyncio.timeout(0.125):
                    try:
                        await asyncio.sleep(1)
                    except asyncio.CancelledError:
                        log(f"inner body cancelled cancelling={me.cancelling()}")
                        raise
            except TimeoutError:
                log(f"inner timeout cancelling={me.cancelling()}")
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                log(f"outer body cancelled cancelling={me.cancelling()}")
                raise
    except TimeoutError:
        log(f"outer timeout cancelling={me.cancelling()}")

run(main())