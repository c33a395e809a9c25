# Rule 12: a pool kept at two tasks with wait(FIRST_COMPLETED): each finished task is replaced; results in completion order.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def job(i):
    await asyncio.sleep(0.125 * (1 + i % 3))
    return i


async def main():
    todo = list(range(6))
    running = set()
    order = []
    while todo or running:
        while todo and len(running) < 2:
            running.add(asyncio.create_task(job(todo.pop(0))))
        done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        for t in sorted(done, key=lambda t: t.result()):
            order.append(t.result())
            log(f"done {t.result()}, running {len(running)}")
    log(f"order {order}")

run(main())
