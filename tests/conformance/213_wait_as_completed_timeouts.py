# Rules 6 and 10: asyncio.wait with a timeout returns at the deadline with the finished tasks, leaving the others running (listed as pending); with every task done earlier it returns then; FIRST_COMPLETED with nothing done by the deadline returns none; as_completed with a timeout yields the early results, then raises TimeoutError at the deadline without cancelling the rest.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, d):
    await asyncio.sleep(d)
    log(f"{name} finished")
    return name


async def main():
    a = asyncio.create_task(job("a", 0.25))
    b = asyncio.create_task(job("b", 1))
    done, pending = await asyncio.wait([a, b], timeout=0.5)
    (d,) = done
    (p,) = pending
    log(f"wait returned: done {d.result()}, pending done={p.done()}")
    log(f"b still ran: {await b}")
    c = asyncio.create_task(job("c", 0.25))
    done, pending = await asyncio.wait([c], timeout=5)
    (d,) = done
    log(f"all done early: done {d.result()}, pending {list(pending)}")
    s = asyncio.create_task(job("s", 2))
    done, pending = await asyncio.wait([s], return_when=asyncio.FIRST_COMPLETED, timeout=0.5)
    log(f"first completed by 0.5: done {list(done)}, s done={s.done()}")
    e = asyncio.create_task(job("e", 0.125))
    try:
        for f in asyncio.as_completed([s, e], timeout=1):
            v = await f
            log(f"as_completed gave {v}")
    except TimeoutError:
        log(f"as_completed timed out, s done={s.done()} cancelled={s.cancelled()}")
    log(f"s still ran: {await s}")


run(main())
