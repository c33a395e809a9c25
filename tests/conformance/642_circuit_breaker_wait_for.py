# Rules 3, 7, 11: a circuit breaker around wait_for: two timeouts open it, calls fail fast while it is open, after the cool-down one trial call half-opens it; a trial that times out opens it again, a trial that succeeds closes it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def service(d):
    try:
        await asyncio.sleep(d)
    except asyncio.CancelledError:
        log(f"service({d}) cancelled")
        raise
    return d


class Breaker:
    def __init__(self):
        self.state = "closed"
        self.failures = 0
        self.opened_at = 0.0

    async def call(self, name, d):
        loop = asyncio.get_running_loop()
        if self.state == "open":
            if loop.time() - self.opened_at < 0.5:
                log(f"{name} rejected, open")
                return
            self.state = "half-open"
            log(f"{name} is the trial call")
        try:
            v = await asyncio.wait_for(service(d), 0.25)
        except TimeoutError:
            self.failures += 1
            log(f"{name} timed out, failures={self.failures}")
            if self.state == "half-open" or self.failures >= 2:
                self.state = "open"
                self.opened_at = loop.time()
                log("breaker opens")
            return
        self.failures = 0
        if self.state == "half-open":
            self.state = "closed"
            log("breaker closes")
        log(f"{name} ok {v}")


async def main():
    b = Breaker()
    await b.call("c1", 0.125)
    await b.call("c2", 0.5)
    await asyncio.gather(b.call("c3", 0.5), b.call("c4", 0.375))
    await b.call("c5", 0.125)
    await asyncio.sleep(0.5)
    await b.call("c6", 0.5)
    await asyncio.sleep(0.25)
    await b.call("c7", 0.125)
    await asyncio.sleep(0.375)
    await asyncio.gather(b.call("c8", 0.125), b.call("c9", 0.125))
    log(f"state {b.state}")

run(main())
