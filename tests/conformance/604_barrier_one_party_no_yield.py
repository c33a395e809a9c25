# Rules 1, 9: a Barrier of one party passes at once with index 0 and does not yield; a Barrier of two passes the last arrival first.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def ticker():
    log("tick")


async def party(b, name):
    i = await b.wait()
    log(f"{name} index={i}")


async def main():
    t = asyncio.create_task(ticker())
    b1 = asyncio.Barrier(1)
    log(f"first {await b1.wait()}")
    log(f"second {await b1.wait()}")
    b2 = asyncio.Barrier(2)
    p = asyncio.create_task(party(b2, "p"))
    await party(b2, "main")
    await p
    await t
    log(f"end n_waiting={b2.n_waiting}")

run(main())
