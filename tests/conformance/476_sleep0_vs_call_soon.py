# Rules 1, 2: a call_soon made before sleep(0) runs before the task resumes; one made by another task in the same pass runs after it.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def other(loop):
    loop.call_soon(log, "other's callback")
    log("other step")
    await asyncio.sleep(0)
    log("other resumed")


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(other(loop))
    loop.call_soon(log, "main's callback")
    await asyncio.sleep(0)
    log("main resumed")
    loop.call_soon(log, "second callback")
    await asyncio.sleep(0)
    log("main resumed again")
    await t

run(main())
