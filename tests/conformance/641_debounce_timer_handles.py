# Rules 2, 4, 5: a debouncer: each event cancels the pending call_later handle and arms a new one; when() reads the deadline; only the last event of a burst fires; a cancelled handle reads cancelled(); a sleep tied with the firing deadline runs after the callback it was armed after.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


class Debouncer:
    def __init__(self, delay):
        self.delay = delay
        self.handle = None
        self.old = []

    def poke(self, value):
        loop = asyncio.get_running_loop()
        if self.handle is not None and not self.handle.cancelled():
            self.handle.cancel()
            self.old.append(self.handle)
        self.handle = loop.call_later(self.delay, self.fire, value)
        log(f"poke {value}, fires at {round(self.handle.when() * 1000)}")

    def fire(self, value):
        log(f"fire {value}")


async def main():
    d = Debouncer(0.25)
    d.poke("a")
    await asyncio.sleep(0.125)
    d.poke("b")
    await asyncio.sleep(0.125)
    d.poke("c")
    log(f"old handles cancelled {[h.cancelled() for h in d.old]}")
    await asyncio.sleep(0.25)
    log("main wakes at the deadline")
    await asyncio.sleep(0.125)
    d.poke("d")
    h = d.handle
    await asyncio.sleep(0.5)
    log(f"last handle cancelled={h.cancelled()}")
    h.cancel()
    log(f"after a late cancel: cancelled={h.cancelled()}")

run(main())
