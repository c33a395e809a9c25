# Rules 1, 5, 7: a supervisor built on done-callbacks: when the worker task ends with an exception the callback starts a fresh one (its first step queued like any create_task), up to three restarts; a worker cancelled from outside is not restarted; the callback reads the task's name, exception and cancelled().
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


class Supervisor:
    def __init__(self, fails):
        self.fails = fails
        self.starts = 0
        self.done = asyncio.get_running_loop().create_future()
        self.current = None

    def start(self):
        self.starts += 1
        self.current = asyncio.create_task(self.work(self.starts), name=f"worker-{self.starts}")
        self.current.add_done_callback(self.on_done)
        log(f"started {self.current.get_name()}")

    async def work(self, n):
        log(f"worker-{n} runs")
        await asyncio.sleep(0.125 * n)
        if n in self.fails:
            raise RuntimeError(f"crash {n}")
        await asyncio.sleep(10)

    def on_done(self, t):
        if t.cancelled():
            log(f"{t.get_name()} cancelled, not restarting")
            self.done.set_result(self.starts)
        elif t.exception() is not None:
            log(f"{t.get_name()} failed: {t.exception()}")
            if self.starts < 4:
                self.start()
            else:
                log("giving up")
                self.done.set_result(self.starts)


async def main():
    s = Supervisor({1, 2})
    s.start()
    await asyncio.sleep(1)
    log(f"cancelling {s.current.get_name()}")
    s.current.cancel()
    log(f"supervisor done after {await s.done} starts")
    s2 = Supervisor({1, 2, 3, 4})
    s2.start()
    log(f"second supervisor done after {await s2.done} starts")

run(main())
