# Rules 10, 12: a graceful shutdown: workers race q.get() against a stop Event with wait(FIRST_COMPLETED), cancelling the loser each time; after stop is set, main gives them a grace period with wait(timeout=...) and cancels the straggler; a get() cancelled while idle loses no item.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(q, stop, name):
    while True:
        get = asyncio.create_task(q.get())
        halt = asyncio.create_task(stop.wait())
        done, pending = await asyncio.wait([get, halt], return_when=asyncio.FIRST_COMPLETED)
        for t in pending:
            t.cancel()
        if get not in done:
            log(f"{name} stops idle")
            return name
        item = get.result()
        log(f"{name} works on {item}")
        try:
            await asyncio.sleep(item)
        except asyncio.CancelledError:
            log(f"{name} cancelled during {item}")
            raise
        log(f"{name} finished {item}")


async def main():
    q = asyncio.Queue()
    stop = asyncio.Event()
    ws = [asyncio.create_task(worker(q, stop, f"w{i}")) for i in range(3)]
    for item in [0.125, 1, 0.25]:
        q.put_nowait(item)
    await asyncio.sleep(0.375)
    stop.set()
    log(f"stop set, qsize={q.qsize()}")
    done, pending = await asyncio.wait(ws, timeout=0.25)
    log(f"after grace: done={sorted(t.result() for t in done)} pending={len(pending)}")
    for t in pending:
        t.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    q.put_nowait(0.5)
    log(f"end qsize={q.qsize()}")

run(main())
