# Rule 8: a BoundedSemaphore released inside its own `async with`: the exit's release is one too many and raises ValueError there, in place of what the body raised; a plain Semaphore just grows. Found by scripts/differential.py (seed 11, program 202).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(name, sem, fail):
    try:
        async with sem:
            sem.release()
            log(f"{name} released inside, value {sem._value}")
            await asyncio.sleep(0.25)
            if fail:
                raise KeyError(name)
        log(f"{name} left the block, value {sem._value}")
    except ValueError as e:
        log(f"{name}: {e!r}, value {sem._value}")
    except KeyError as e:
        log(f"{name}: {e!r}")


async def main():
    bounded = asyncio.BoundedSemaphore(1)
    await worker("bounded", bounded, False)
    await worker("bounded, body raising", bounded, True)
    plain = asyncio.Semaphore(1)
    await worker("plain", plain, False)


run(main())
