# Rule 12: wait(ALL_COMPLETED) with a timeout returns what is done, failures included; nothing is cancelled; the rest finish later.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        log(f"{name} raises")
        raise RuntimeError(name)
    log(f"{name} ok")
    return name


async def main():
    ts = [asyncio.create_task(job("j1", 0.5)), asyncio.create_task(job("j2", 1, fail=True)), asyncio.create_task(job("j3", 3))]
    done, pending = await asyncio.wait(ts, timeout=2)
    log(f"done={len(done)} pending={len(pending)}")
    for t in ts:
        if t in done:
            log(f"{'error ' + str(t.exception()) if t.exception() else 'result ' + t.result()}")
    done, pending = await asyncio.wait(pending)
    log(f"later done={len(done)} pending={len(pending)}")


run(main())
