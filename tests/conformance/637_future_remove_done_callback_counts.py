# Rules 5, 1: Future.remove_done_callback removes every registration of the callback and returns how many; the others run in registration order, one slot each; once the future is done it removes nothing and the queued callbacks run.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, now_ms, run

async def main():
    fut = asyncio.get_running_loop().create_future()

    def f(r):
        log(f"f sees {r.result()}")

    def g(r):
        log(f"g sees {r.result()}")

    def h(r):
        log(f"h sees {r.result()}")

    fut.add_done_callback(f)
    fut.add_done_callback(g)
    fut.add_done_callback(f)
    fut.add_done_callback(h)
    log(f"remove f returns {fut.remove_done_callback(f)}")
    log(f"remove f again returns {fut.remove_done_callback(f)}")
    fut.set_result(7)
    log(f"remove h after set_result returns {fut.remove_done_callback(h)}")
    await asyncio.sleep(0)
    log("main after one yield")
    fut.add_done_callback(f)
    log(f"remove f on a done future returns {fut.remove_done_callback(f)}")
    await asyncio.sleep(0)
    log("end")

run(main())
