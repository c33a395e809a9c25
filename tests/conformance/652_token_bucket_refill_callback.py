# Rules 2, 5, 8: a token bucket: a Semaphore(2) spent by requests and refilled by a call_later callback that re-arms itself each 0.25 s up to the capacity; waiting requests are served in arrival order; the refill handle is cancelled at the end.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


class Bucket:
    def __init__(self, cap):
        self.cap = cap
        self.sem = asyncio.Semaphore(cap)
        self.handle = None

    def refill(self):
        loop = asyncio.get_running_loop()
        if self.sem._value < self.cap:
            self.sem.release()
            log(f"refill, tokens={self.sem._value}")
        self.handle = loop.call_later(0.25, self.refill)


async def request(b, name):
    await b.sem.acquire()
    log(f"{name} sent")


async def main():
    b = Bucket(2)
    b.handle = asyncio.get_running_loop().call_later(0.25, b.refill)
    rs = [asyncio.create_task(request(b, f"r{i}")) for i in range(5)]
    await asyncio.sleep(0.125)
    log(f"at 125: tokens={b.sem._value} locked={b.sem.locked()}")
    await asyncio.gather(*rs)
    await asyncio.sleep(0.5)
    log(f"idle: tokens={b.sem._value}")
    b.handle.cancel()
    await asyncio.sleep(1)
    log(f"end: tokens={b.sem._value}")

run(main())
