# Rule 1: when main returns, asyncio's loop.stop() (main's done-callback) ends the loop only after the iteration it runs in: the entries queued behind it in that pass still run (a call_later(0) armed before main returned, a task woken in main's last pass after main's step), then asyncio.run cancels the task left. Found by scripts/differential.py (seed 100, program 76).
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def worker():
    try:
        await asyncio.sleep(0)
        await asyncio.sleep(1)
        log("worker: woken at main's deadline")
        await asyncio.sleep(0)
        log("worker: after sleep(0), behind the stop")
        await asyncio.sleep(0)
        log("worker: never")
    except asyncio.CancelledError:
        log("worker: cancelled by asyncio.run")
        raise


async def main():
    loop = asyncio.get_running_loop()
    asyncio.create_task(worker())
    await asyncio.sleep(1)
    loop.call_soon(lambda: log("call_soon before main's end"))
    loop.call_later(0, lambda: log("call_later(0) armed before main's end"))
    loop.call_later(1, lambda: log("call_later(1): never"))
    log("main: returns")


run(main())
