# Rules 4, 10, 11: a keep-alive: a reader under timeout(None) reschedules its deadline to now + 0.25 after each message, when() read after each; the third message arrives at the very instant of the deadline: the producer's timer was armed before the reschedule, so its put wakes the reader, but the expiry cancels the reader in the same pass: TimeoutError, expired() is True, and that message stays queued with the last one.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def reader(q):
    loop = asyncio.get_running_loop()
    got = []
    try:
        async with asyncio.timeout(None) as cm:
            log(f"armed when={cm.when()}")
            while True:
                cm.reschedule(loop.time() + 0.25)
                log(f"deadline {round(cm.when() * 1000)}")
                got.append(await q.get())
                log(f"got {got[-1]}")
    except TimeoutError:
        log(f"idle timeout, expired={cm.expired()} got={got}")
    return got


async def producer(q):
    for d, m in [(0.125, "m1"), (0.125, "m2"), (0.25, "m3"), (0.375, "m4")]:
        await asyncio.sleep(d)
        q.put_nowait(m)
        log(f"put {m}")


async def main():
    q = asyncio.Queue()
    r = asyncio.create_task(reader(q))
    p = asyncio.create_task(producer(q))
    got = await r
    await p
    log(f"end got={got} qsize={q.qsize()}")

run(main())
