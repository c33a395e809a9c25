# Rules 7, 8, 10: a connection pool: a Semaphore bounds the borrowers and a Queue holds the idle connections; a borrower cancelled while using a connection returns it in finally, so the next waiter gets that very connection; a borrower that gives up under wait_for while waiting for a permit takes nothing.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


class Pool:
    def __init__(self, conns):
        self.sem = asyncio.Semaphore(len(conns))
        self.idle = asyncio.Queue()
        for c in conns:
            self.idle.put_nowait(c)

    async def use(self, name, work):
        async with self.sem:
            conn = self.idle.get_nowait()
            log(f"{name} borrows {conn}, idle={self.idle.qsize()}")
            try:
                await asyncio.sleep(work)
                log(f"{name} done with {conn}")
            finally:
                self.idle.put_nowait(conn)


async def client(pool, name, delay, work, patience=None):
    await asyncio.sleep(delay)
    try:
        if patience is None:
            await pool.use(name, work)
        else:
            await asyncio.wait_for(pool.use(name, work), patience)
    except TimeoutError:
        log(f"{name} gave up, idle={pool.idle.qsize()}")
    except asyncio.CancelledError:
        log(f"{name} cancelled, idle={pool.idle.qsize()}")
        raise


async def main():
    pool = Pool(["c1", "c2"])
    ts = [
        asyncio.create_task(client(pool, "a", 0, 0.5)),
        asyncio.create_task(client(pool, "b", 0, 0.375)),
        asyncio.create_task(client(pool, "impatient", 0.125, 0.125, 0.125)),
        asyncio.create_task(client(pool, "d", 0.125, 0.125)),
    ]
    await asyncio.sleep(0.25)
    ts[0].cancel()
    log("cancelled a")
    r = await asyncio.gather(*ts, return_exceptions=True)
    log(f"end {[type(x).__name__ for x in r]} idle={pool.idle.qsize()} locked={pool.sem.locked()}")

run(main())
