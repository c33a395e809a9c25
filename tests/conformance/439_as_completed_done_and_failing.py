# Rule 12: as_completed over tasks failing and finishing at distinct times yields each outcome in completion order; a failure is raised by its own await and the iteration goes on.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def job(name, d, fail=False):
    await asyncio.sleep(d)
    if fail:
        raise ValueError(name)
    return name


async def main():
    ts = [asyncio.create_task(job("a", 2)), asyncio.create_task(job("b", 1, True)),
          asyncio.create_task(job("c", 3, True)), asyncio.create_task(job("d", 0.5))]
    for aw in asyncio.as_completed(ts):
        try:
            log(f"result {await aw}")
        except ValueError as e:
            log(f"failure {e}")

run(main())
