# Rule 5: a future's exception reaches every awaiter and done-callback in registration order; exception() reads it without raising.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def awaiter(f, name):
    try:
        await f
    except KeyError as e:
        log(f"{name} caught {e!r}")


async def main():
    f = asyncio.get_running_loop().create_future()
    a = asyncio.create_task(awaiter(f, "a"))
    await asyncio.sleep(0)
    f.add_done_callback(lambda f: log(f"callback sees {f.exception()!r}"))
    b = asyncio.create_task(awaiter(f, "b"))
    await asyncio.sleep(0)
    f.set_exception(KeyError("k"))
    log(f"exception {f.exception()!r}")
    await asyncio.gather(a, b)

run(main())
