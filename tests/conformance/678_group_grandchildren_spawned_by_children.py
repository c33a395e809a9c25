# Rules 1, 12: a TaskGroup whose children create further children in the same group (a crawler): each spawned task's first step is queued behind what is ready; a grandchild's failure cancels every task in the group, spawners and grandchildren alike, and the body's await (the children first; CPython cancels them in a set's order, so the program prints them sorted); the ExceptionGroup holds the one failure.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def crawl(tg, url, depth, links, cancelled):
    log(f"visit {url}")
    await asyncio.sleep(0.125)
    if url == "/a/2":
        log(f"{url} fails")
        raise ValueError(url)
    if depth > 0:
        for i in range(links):
            tg.create_task(crawl(tg, f"{url}/{i}", depth - 1, links + 1, cancelled), name=f"{url}/{i}")
        log(f"{url} spawned {links}")
    try:
        await asyncio.sleep(0.5)
        log(f"{url} finished")
    except asyncio.CancelledError:
        cancelled.append(url)
        raise


async def main():
    cancelled = []
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(crawl(tg, "/a", 1, 3, cancelled))
            tg.create_task(crawl(tg, "/b", 1, 1, cancelled))
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                log(f"body cancelled after {len(cancelled)} children")
                raise
    except* ValueError as eg:
        log(f"group failed with {[str(e) for e in eg.exceptions]}")
    log(f"end, cancelled {sorted(cancelled)}")

run(main())
