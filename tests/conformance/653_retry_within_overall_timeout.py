# Rules 3, 7, 11: a retry loop under an overall timeout(): each attempt runs under wait_for, failures back off with doubling sleeps; the overall deadline expires during a backoff sleep, so TimeoutError comes from the outer timeout, expired() is True, and no attempt is left running.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


attempts = []


async def attempt(n):
    attempts.append(n)
    try:
        await asyncio.sleep([0.5, 0.125, 0.5, 0.125][n])
    except asyncio.CancelledError:
        log(f"attempt {n} cancelled")
        raise
    if n == 1:
        log(f"attempt {n} fails")
        raise ConnectionError(n)
    log(f"attempt {n} succeeds")
    return n


async def retry():
    backoff = 0.125
    for n in range(4):
        try:
            return await asyncio.wait_for(attempt(n), 0.25)
        except (TimeoutError, ConnectionError) as e:
            log(f"attempt {n} -> {type(e).__name__}, backoff {backoff}")
        await asyncio.sleep(backoff)
        backoff *= 2


async def main():
    try:
        async with asyncio.timeout(0.625) as cm:
            r = await retry()
            log(f"result {r}")
    except TimeoutError:
        log(f"overall TimeoutError, expired={cm.expired()}, attempts {attempts}")
    async with asyncio.timeout(2) as cm:
        attempts.clear()
        r = await retry()
    log(f"second run result {r} attempts {attempts} expired={cm.expired()}")

run(main())
