# Rules 1, 7: a gather held as a value and cancelled with a message (`g.cancel(msg)`) while its children wait; awaiting it raises CancelledError whatever the children returned, with the message of asyncio's `_make_cancelled_error()` of the last child in argument order: none when that child caught the cancellation and returned, the child's when it ended cancelled (its first retrieval, so a later await of it gets none). The same with and without return_exceptions. Found by scripts/differential.py (seed 8621, program 273: the scenario language's `return_exceptions` gather raised the message `cancel()` was given).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def catcher(name):
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        log(f"{name} caught {e}, returns")
    return name


async def sleeper(name):
    await asyncio.sleep(1)
    return name


async def main():
    for rex in [False, True]:
        for order in ["catcher", "catcher, sleeper", "sleeper, catcher"]:
            c = asyncio.create_task(catcher("c"), name="c")
            s = asyncio.create_task(sleeper("s"), name="s")
            await asyncio.sleep(0)
            hs = {"catcher": [c], "catcher, sleeper": [c, s], "sleeper, catcher": [s, c]}[order]
            g = asyncio.gather(*hs, return_exceptions=rex)
            log(f"return_exceptions={rex} [{order}]: cancel {g.cancel('stop')}")
            try:
                r = await g
                log(f"gather {r}")
            except asyncio.CancelledError as e:
                log(f"gather raised {type(e).__name__} '{e}'")
            s.cancel()
            try:
                await s
                log("s returned")
            except asyncio.CancelledError as e:
                log(f"await s: {type(e).__name__} '{e}'")


run(main())
