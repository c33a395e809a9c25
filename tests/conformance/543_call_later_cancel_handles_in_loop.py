# Rules 2, 4: periodic call_later handles; one cancelled from another callback at the same instant never runs.
import asyncio, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vclock import log, run

async def main():
    loop = asyncio.get_running_loop()
    handles = {}
    def fire(name):
        log(f"{name} fired")
        if name == "a":
            handles["b"].cancel()
            log(f"b cancelled={handles['b'].cancelled()}")
    for name in "abc":
        handles[name] = loop.call_later(0.25, fire, name)
    handles["d"] = loop.call_later(0.375, fire, "d")
    await asyncio.sleep(0.5)
    log("end")

run(main())
