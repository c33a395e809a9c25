# Rules 7, 11, 12: shield inside wait_for whose caller is cancelled twice: the shielded task runs on to its end; both cancellations reach the caller, cancelling() counts two.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def save():
    await asyncio.sleep(0.5)
    log("save done")
    return "saved"


async def caller(inner):
    try:
        return await asyncio.wait_for(asyncio.shield(inner), 1)
    except asyncio.CancelledError:
        log(f"caller cancelled cancelling={asyncio.current_task().cancelling()}")
        raise


async def main():
    inner = asyncio.create_task(save())
    c = asyncio.create_task(caller(inner))
    await asyncio.sleep(0.125)
    c.cancel()
    c.cancel()
    log(f"cancelling={c.cancelling()}")
    try:
        await c
    except asyncio.CancelledError:
        log(f"caller ended inner done={inner.done()}")
    log(f"inner result {await inner}")

run(main())