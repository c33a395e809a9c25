# Rules 7, 12: wait(ALL_COMPLETED, timeout) while one task is cancelled and one fails: done holds both and the finished one, pending the slow one, which keeps running.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        log(f"{name} fails")
        raise EOFError(name)
    log(f"{name} done")
    return name


async def main():
    ts = {"a": asyncio.create_task(job("a", 0.5)),
          "b": asyncio.create_task(job("b", 3)),
          "c": asyncio.create_task(job("c", 1, True)),
          "d": asyncio.create_task(job("d", 5))}
    asyncio.get_running_loop().call_later(1.5, ts["b"].cancel)
    done, pending = await asyncio.wait(ts.values(), timeout=2)
    names = {t: n for n, t in ts.items()}
    log(f"done {sorted(names[t] for t in done)} pending {sorted(names[t] for t in pending)}")
    log(f"b cancelled={ts['b'].cancelled()} c exception={ts['c'].exception()!r}")
    log(f"d result {await ts['d']}")

run(main())
