# Rules 5, 7: a bare future cancelled with a message wakes its direct awaiter and its gather's awaiter in registration order, both see the message.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run


async def direct(f):
    try:
        await f
    except asyncio.CancelledError as e:
        log(f"direct sees {e.args}")


async def via_gather(f):
    try:
        await asyncio.gather(f)
    except asyncio.CancelledError as e:
        log(f"gather caller sees {e.args}")


async def main():
    f = asyncio.get_running_loop().create_future()
    ts = [asyncio.create_task(via_gather(f)), asyncio.create_task(direct(f))]
    await asyncio.sleep(0)
    f.add_done_callback(lambda f: log("callback"))
    f.cancel("stop")
    log("cancelled")
    await asyncio.gather(*ts)

run(main())
