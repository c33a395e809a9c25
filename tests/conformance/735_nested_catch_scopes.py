# Rule 7: nested `except CancelledError` blocks: the innermost pending one catches; a second cancellation during its cleanup is caught by the outer one; an inner block that re-raises hands the cancellation to the outer one.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def nested(name, reraise):
    try:
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError as e:
            log(f"{name} inner caught {e!r}")
            if reraise:
                raise
            await asyncio.sleep(1)
            log(f"{name} inner cleanup done")
    except asyncio.CancelledError as e:
        log(f"{name} outer caught {e!r}")
    return f"{name} done"


async def main():
    t = asyncio.create_task(nested("twice", False))
    await asyncio.sleep(0.5)
    t.cancel("first")
    await asyncio.sleep(0.5)
    t.cancel("second")
    log(f"returned {await t!r}, cancelling {t.cancelling()}")
    t = asyncio.create_task(nested("reraise", True))
    await asyncio.sleep(0.5)
    t.cancel("only")
    log(f"returned {await t!r}, cancelling {t.cancelling()}")


run(main())
