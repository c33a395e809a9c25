# Rules 6, 7: gather(...).cancel(msg) forwards the message to each child in argument order; the gather's awaiter sees it too.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def child(name):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        log(f"{name} cancelled {e.args}")
        raise


async def main():
    g = asyncio.gather(child("a"), child("b"), child("c"))
    await asyncio.sleep(0.125)
    g.cancel("enough")
    try:
        await g
    except asyncio.CancelledError as e:
        log(f"gather cancelled {e.args}")

run(main())