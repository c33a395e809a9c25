import asyncio, sys
import os; sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/conformance"))
from vclock import log, run

async def main():
    for variant in ("release-then-cancel", "cancel-then-release"):
        sem = asyncio.Semaphore(1)
        await sem.acquire()
        async def user(n):
            async with sem:
                log(f"{n} acquired")
        b = asyncio.create_task(user("b")); c = asyncio.create_task(user("c"))
        await asyncio.sleep(0)
        if variant == "release-then-cancel":
            sem.release(); b.cancel()
            log("released, b cancelled")
        else:
            b.cancel()
            log(f"locked={sem.locked()}")
            sem.release()
            log(f"value={sem._value}")
        try: await b
        except asyncio.CancelledError: pass
        await c
        log(f"{variant}: value={sem._value}")
    # event cancel
    ev = asyncio.Event()
    async def w(n):
        await ev.wait(); log(f"{n} woke")
    hs = [asyncio.create_task(w(n)) for n in "abc"]
    await asyncio.sleep(0)
    hs[1].cancel()
    ev.set()
    for h in hs:
        try: await h
        except asyncio.CancelledError: pass
    # queue cancelled woken getter
    q = asyncio.Queue()
    async def g(n):
        item = await q.get(); log(f"{n} got {item}")
    gs = [asyncio.create_task(g(n)) for n in "ab"]
    await asyncio.sleep(0)
    q.put_nowait(7)
    gs[0].cancel()
    for h in gs:
        try: await h
        except asyncio.CancelledError: pass
    log(f"qsize={q.qsize()}")

run(main())
