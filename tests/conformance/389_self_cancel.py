# Rules 1, 7: a task that cancels itself goes on until it next suspends; an await that does not suspend (a set Event, a done future) lets it go on; the cancellation arrives at the next sleep.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker(ev, done):
    me = asyncio.current_task()
    log(f"cancel self returns {me.cancel()}")
    log(f"cancelling={me.cancelling()}")
    await ev.wait()
    log("set Event did not suspend")
    await done
    log("done future did not suspend")
    try:
        await asyncio.sleep(0)
        log("never")
    except asyncio.CancelledError:
        log("cancelled at the first suspension")
        raise


async def other():
    for i in range(3):
        log(f"other {i}")
        await asyncio.sleep(0)


async def main():
    ev = asyncio.Event()
    ev.set()
    done = asyncio.get_running_loop().create_future()
    done.set_result(1)
    o = asyncio.create_task(other())
    w = asyncio.create_task(worker(ev, done))
    await asyncio.gather(w, o, return_exceptions=True)
    log(f"w cancelled={w.cancelled()}")

run(main())
