# Rules 7, 9: a Condition waiter cancelled while the lock is free leaves the waiters; the next notify(1) goes to the waiter behind it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def waiter(cond, name):
    try:
        async with cond:
            log(f"{name} waits")
            await cond.wait()
            log(f"{name} notified")
    except asyncio.CancelledError:
        log(f"{name} cancelled, locked={cond.locked()}")
        raise


async def main():
    cond = asyncio.Condition()
    ts = [asyncio.create_task(waiter(cond, f"w{i}")) for i in range(3)]
    await asyncio.sleep(0.5)
    ts[0].cancel()
    await asyncio.sleep(0)
    log(f"w0 cancelled={ts[0].cancelled()}")
    async with cond:
        cond.notify(1)
        log("notified one")
    await asyncio.sleep(0.5)
    async with cond:
        cond.notify(1)
        ts[2].cancel()
        log("notified one more and cancelled w2")
    await asyncio.gather(*ts, return_exceptions=True)
    log(f"w1 done={ts[1].done()} w2 cancelled={ts[2].cancelled()} locked={cond.locked()}")

run(main())
